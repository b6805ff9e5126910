#include "sdk/prekeyupkeep.h"

#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/connection.h"
#include "sdk/profile.h"
#include "sdk/profilesaver.h"
#include "sdk/sdklog.h"

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int MaxPrekeysPerUpload = protocol::MaxPrekeysPerUpload;
constexpr int MaxKidConflicts = 3;

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

} // namespace

class PrekeyUpkeep::Private {
public:
    PrekeyUpkeep *q;
    Connection &connection;
    Profile &profile;
    ProfileSaver &saver;
    bool uploadInFlight = false;
    bool uploadRecheck = false;
    int kidConflicts = 0;
    int serverPool = 0;
    bool serverHasLastResort = false;

    Private(PrekeyUpkeep *upkeep, Connection &c, Profile &p, ProfileSaver &s)
        : q(upkeep), connection(c), profile(p), saver(s)
    {
    }

    void topUp(int serverCount, bool serverHasLr)
    {
        if (connection.state() != Client::State::LoggedIn || !connection.self())
            return;
        if (uploadInFlight) {
            uploadRecheck = true;
            return;
        }
        serverPool = serverCount;
        serverHasLastResort = serverHasLr;
        KeyStore &keys = profile.keys();
        const qint64 now = nowMs();
        if (keys.noteServerPool(serverCount, now) > 0)
            saver.keysChanged();
        if (keys.purgeExpired(now) > 0) {
            saver.keysChanged();
            Q_EMIT q->prekeysPurged();
        }
        const int need = qBound(0, Client::PrekeyPoolTarget - serverCount, MaxPrekeysPerUpload);
        const bool needLr = !serverHasLr || !keys.currentLastResortKid();
        if (need == 0 && !needLr) {
            saver.persist();
            Q_EMIT q->prekeysReady(serverCount);
            return;
        }
        upload(need, needLr);
    }

    void upload(int count, bool withLastResort)
    {
        protocol::Prekeys upload;
        for (int i = 0; i < count; ++i) {
            Result<protocol::Prekey> entry = makePrekey(false);
            if (!entry)
                return connection.reportError(u"crypto"_s, entry.error().message);
            upload.keys.append(entry.value());
        }
        if (withLastResort) {
            Result<protocol::Prekey> entry = makePrekey(true);
            if (!entry)
                return connection.reportError(u"crypto"_s, entry.error().message);
            upload.lr = entry.value();
        }
        // Private halves first: a prekey the server hands out must be one this device can use.
        if (Status s = profile.saveKeys(); !s)
            return connection.reportError(u"io"_s, u"cannot save new prekeys: %1"_s.arg(s.error().message));
        saver.keysSaved();
        uploadInFlight = true;
        uploadRecheck = false;
        qCInfo(lcSdk) << "uploading" << count << "one-time prekeys" << (withLastResort ? "and a last-resort key" : "");
        connection.request(upload, [this, withLastResort](const protocol::Frame &reply) {
            onUploaded(reply, withLastResort);
        });
    }

    void onUploaded(const protocol::Frame &reply, bool withLastResort)
    {
        uploadInFlight = false;
        if (reply.type == protocol::ErrorReply::Type) {
            const QString code = Connection::errorCode(reply);
            if (code == u"bad_field"_s && kidConflicts < MaxKidConflicts) {
                // The server already holds one of these kids: this profile was restored from an older copy.
                // The keys just made stay in the keystore until they expire; new ones get kids further on.
                ++kidConflicts;
                profile.keys().skipKids(1u << 20);
                saver.keysChanged();
                topUp(serverPool, serverHasLastResort);
                return;
            }
            if (!Connection::isDisconnected(reply))
                connection.reportError(code, u"prekey upload refused: %1"_s.arg(Connection::errorText(reply)));
            return;
        }
        const int count = int(qMin<quint64>(protocol::PrekeysOk::from(reply).count, 1u << 30));
        serverPool = count;
        serverHasLastResort = serverHasLastResort || withLastResort;
        if (uploadRecheck) {
            // A refill arrived meanwhile; the count just received is the newer figure.
            uploadRecheck = false;
            topUp(count, serverHasLastResort);
            return;
        }
        Q_EMIT q->prekeysReady(count);
    }

    Result<protocol::Prekey> makePrekey(bool lastResort)
    {
        Result<crypto::EcKey> key = crypto::EcKey::generate();
        if (!key)
            return key.error();
        KeyStore &keys = profile.keys();
        const quint32 kid = keys.allocateKid();
        const QByteArray pub = key->publicPoint();
        Result<QByteArray> sig = connection.self()->deviceKey.sign(protocol::prekeyStatement(kid, pub));
        if (!sig)
            return sig.error();
        if (lastResort)
            keys.setLastResort(kid, key.value(), nowMs());
        else
            keys.addOneTimePrekey(kid, key.value(), nowMs());
        return protocol::Prekey{kid, pub, sig.value()};
    }
};

PrekeyUpkeep::PrekeyUpkeep(Connection &connection, Profile &profile, ProfileSaver &saver, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, connection, profile, saver))
{
}

PrekeyUpkeep::~PrekeyUpkeep() = default;

void PrekeyUpkeep::topUp(int serverCount, bool serverHasLastResort) { d->topUp(serverCount, serverHasLastResort); }

void PrekeyUpkeep::onRefill(int remaining) { d->topUp(remaining, d->serverHasLastResort); }

bool PrekeyUpkeep::uploadPending() const { return d->uploadInFlight; }

void PrekeyUpkeep::reset()
{
    d->uploadInFlight = false;
    d->uploadRecheck = false;
}

} // namespace parley::sdk
