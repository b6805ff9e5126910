#include "provision.h"

#include "identities.h"
#include "protocol/statements.h"
#include "sdk/envelope.h"
#include "store/store.h"

#include <QCborArray>
#include <QCborValue>
#include <QDateTime>
#include <QFile>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace parley::bench {

using server::Db;
using server::EnrollRequest;
using server::EnrollResult;
using server::NewMessage;
using server::PrekeyRecord;
using server::Store;
using server::StoreOptions;

namespace {

constexpr int EnrollBatch = 250;           // users per group commit
constexpr int FillBatch = 20000;           // queued messages per group commit
constexpr quint32 LastResortKid = 1;

struct Generated {
    Identity identity;
    crypto::EcKey root;
    QByteArray deviceSig;
    QByteArray lrSig;
};

Result<Generated> generate(int index)
{
    Generated g;
    g.identity.index = index;
    g.identity.user = userName(index);
    auto root = crypto::EcKey::generate();
    auto device = crypto::EcKey::generate();
    auto prekey = crypto::EcKey::generate();
    if (!root || !device || !prekey)
        return makeError(ErrorCode::Internal, u"key generation failed"_s);
    g.root = *root;
    g.identity.rootPub = root->publicPoint();
    g.identity.deviceKey = *device;
    g.identity.devicePub = device->publicPoint();
    g.identity.lrKid = LastResortKid;
    g.identity.lrKey = *prekey;
    g.identity.lrPub = prekey->publicPoint();
    auto dsig = root->sign(protocol::deviceStatement(g.identity.user, g.identity.devicePub));
    auto psig = device->sign(protocol::prekeyStatement(LastResortKid, g.identity.lrPub));
    if (!dsig || !psig)
        return makeError(ErrorCode::Internal, u"signing failed"_s);
    g.deviceSig = *dsig;
    g.lrSig = *psig;
    return g;
}

} // namespace

Status provision(const ProvisionOptions &options)
{
    if (options.users < 1)
        return makeError(ErrorCode::InvalidArgument, u"at least one user is needed"_s);
    if (options.fillQueue > 0 && options.users < 2)
        return makeError(ErrorCode::InvalidArgument, u"filling a queue needs two users"_s);
    StoreOptions storeOptions;
    storeOptions.path = options.databaseFile;
    if (options.postgres) {
        storeOptions.driver = server::StoreDriver::PostgreSql;
        storeOptions.postgres = options.postgresSettings;
    }
    auto opened = Store::open(storeOptions);
    if (!opened)
        return opened.error();
    std::unique_ptr<Store> store = std::move(*opened);

    QList<Identity> identities;
    QList<qint64> deviceIds;
    identities.reserve(options.users);
    for (int first = 0; first < options.users; first += EnrollBatch) {
        QList<Generated> batch;
        for (int i = first; i < std::min(options.users, first + EnrollBatch); ++i) {
            auto g = generate(i);
            if (!g)
                return g.error();
            batch.append(std::move(*g));
        }
        auto ids = store->writeSync<QList<EnrollResult>>([&batch](Db &db) -> Result<QList<EnrollResult>> {
            QList<EnrollResult> results;
            for (const Generated &g : batch) {
                auto code = db.createEnrollCode(g.identity.user, 3600 * 1000);
                if (!code)
                    return code.error();
                EnrollRequest request;
                request.user = g.identity.user;
                request.code = *code;
                request.rootPub = g.identity.rootPub;
                request.devicePub = g.identity.devicePub;
                request.deviceSig = g.deviceSig;
                request.deviceName = u"bench"_s;
                auto enrolled = db.enrollDevice(request);
                if (!enrolled)
                    return enrolled.error();
                PrekeyRecord lr{g.identity.lrKid, g.identity.lrPub, g.lrSig, true};
                if (auto added = db.addPrekeys(enrolled->deviceId, {}, lr, 1000); !added)
                    return added.error();
                results.append(*enrolled);
            }
            return results;
        });
        if (!ids)
            return ids.error();
        for (int i = 0; i < batch.size(); ++i) {
            batch[i].identity.device = ids->at(i).deviceNo;
            identities.append(batch[i].identity);
            deviceIds.append(ids->at(i).deviceId);
        }
        std::fprintf(stderr, "\rprovisioned %lld/%d", qlonglong(identities.size()), options.users);
    }
    std::fprintf(stderr, "\n");

    if (options.fillQueue > 0) {
        // One real envelope from identity 1 to identity 0; its copies differ only in the message id (which the
        // signature covers, so they are not verifiable: the drain figure measures reading, sending and deleting).
        const Identity &from = identities.at(1);
        const Identity &to = identities.at(0);
        auto envelope = sdk::Envelope::build(senderIdentity(from), {to.user}, {recipientDevice(to)},
                                             benchText(), quint64(QDateTime::currentMSecsSinceEpoch()));
        if (!envelope)
            return envelope.error();
        NewMessage base;
        base.senderDeviceId = deviceIds.at(1);
        base.envelope.sender = from.user;
        base.envelope.dev = from.device;
        base.envelope.to.cbor = QCborValue(QCborArray{to.user}).toCbor();
        base.envelope.at = envelope->sentAt;
        base.envelope.pl = envelope->payload;
        base.envelope.kc = envelope->keyCommitment;
        base.envelope.opts.cbor = envelope->options.encode();
        base.envelope.sig = envelope->signature;
        base.expiresAt = QDateTime::currentMSecsSinceEpoch() + qint64(24) * 3600 * 1000;
        base.entries.append(NewMessage::Entry{deviceIds.at(0), envelope->keys.at(0).kid, envelope->keys.at(0).eph,
                                              envelope->keys.at(0).wk});
        for (int first = 0; first < options.fillQueue; first += FillBatch) {
            const int last = std::min(options.fillQueue, first + FillBatch);
            auto done = store->writeSync<int>([&base, first, last](Db &db) -> Result<int> {
                NewMessage m = base;
                for (int i = first; i < last; ++i) {
                    m.envelope.mid = messageId(0xffffffffu, quint32(i));
                    if (auto r = db.insertMessage(m); !r)
                        return r.error();
                }
                return last - first;
            });
            if (!done)
                return done.error();
            std::fprintf(stderr, "\rqueued %d/%d", last, options.fillQueue);
        }
        std::fprintf(stderr, "\n");
    }
    store->close();
    return writeIdentities(options.identityFile, identities);
}

} // namespace parley::bench
