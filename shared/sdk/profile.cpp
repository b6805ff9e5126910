#include "sdk/profile.h"

#include "core/cborvalues.h"
#include "net/tlspin.h"
#include "protocol/frame.h"
#include "sdk/sdklog.h"
#include "sdk/securefile.h"

#include <QCborArray>
#include <QCborMap>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSslCertificate>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

const QString SettingsFile = u"profile.json"_s;
const QString KeystoreFile = u"keystore.cbor"_s;
const QString TrustFile = u"trust.cbor"_s;
const QString PrekeyFile = u"prekeys.cbor"_s;
const QString ReceivedFile = u"seen.cbor"_s;
const QString ResumeFile = u"resume.cbor"_s;
// Added after the first profiles: a profile without it has no room heads yet (RoomHeads::fromCbor).
const QString RoomHeadsFile = u"rooms.cbor"_s;
// Added with attachments: unfinished uploads (sdk/transfers.h Upload::resumeState()), by the file's absolute path.
const QString UploadsFile = u"uploads.cbor"_s;
const QString CaFile = u"ca.pem"_s;
const QString LockFile = u"lock"_s;

constexpr QByteArrayView KeystorePurpose = "parley-profile-keystore-v1";
constexpr QByteArrayView StatePurpose = "parley-profile-state-v1";
constexpr QByteArrayView KeystoreAad = "parley-keystore-v1";
constexpr qsizetype MaxFileBytes = 64 * 1024 * 1024;
constexpr int SettingsVersion = 1;
constexpr int KeystoreVersion = 1;

QByteArray stateAad(const QString &name) { return "parley-state-v1:" + name.toUtf8(); }

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

} // namespace

struct Profile::Private {
    QString directory;
    std::unique_ptr<QLockFile> lock;
    ProfileSettings settings;
    KdfParams kdf;
    crypto::SecureBuffer keystoreKey;
    crypto::SecureBuffer stateKey;
    KeyStore keys;
    TrustStore trust;
    PrekeyCache prekeys;
    DedupeLog received;
    std::optional<ResumeCredential> resume;
    RoomHeads roomHeads;
    QCborMap uploads;

    QString path(const QString &name) const { return QDir(directory).filePath(name); }

    Status lockDirectory()
    {
        lock = std::make_unique<QLockFile>(path(LockFile));
        // Only a dead owner makes the lock stale, never its age: a long `receive --wait` holds it for hours.
        lock->setStaleLockTime(0);
        if (!lock->tryLock(0)) {
            if (lock->error() == QLockFile::LockFailedError) {
                qint64 pid = 0;
                QString host;
                QString app;
                if (lock->getLockInfo(&pid, &host, &app))
                    return makeError(ErrorCode::Conflict,
                                     u"profile %1 is in use by another process (pid %2)"_s.arg(directory).arg(pid));
                return makeError(ErrorCode::Conflict, u"profile %1 is in use by another process"_s.arg(directory));
            }
            return makeError(ErrorCode::Io, u"cannot lock profile %1 (permission denied or read-only)"_s.arg(directory));
        }
        return SecureFile::restrictFile(path(LockFile));
    }

    Status deriveKeys(QByteArrayView passphrase)
    {
        Result<crypto::SecureBuffer> master = SealedBox::deriveKey(passphrase, kdf);
        if (!master)
            return makeError(master.error().code, u"cannot derive the profile key: %1"_s.arg(master.error().message));
        Result<crypto::SecureBuffer> k1 = SealedBox::subkey(master.value(), KeystorePurpose);
        Result<crypto::SecureBuffer> k2 = SealedBox::subkey(master.value(), StatePurpose);
        if (!k1)
            return k1.error();
        if (!k2)
            return k2.error();
        keystoreKey = std::move(k1.value());
        stateKey = std::move(k2.value());
        return {};
    }

    Status writeKeystore()
    {
        const crypto::SecureBuffer plain = keys.serialize();
        Result<QCborMap> box = SealedBox::seal(keystoreKey, plain.view(), KeystoreAad);
        if (!box)
            return box.error();
        QCborMap file;
        file.insert(u"v"_s, KeystoreVersion);
        file.insert(u"kdf"_s, kdf.toCbor());
        file.insert(u"box"_s, box.value());
        return SecureFile::write(path(KeystoreFile), file.toCborValue().toCbor());
    }

    Status readKeystore(QByteArrayView passphrase)
    {
        Result<QByteArray> bytes = SecureFile::read(path(KeystoreFile), MaxFileBytes);
        if (!bytes)
            return bytes.error();
        Result<QCborValue> value = SecureFile::decodeCbor(bytes.value());
        if (!value || !value->isMap())
            return makeError(ErrorCode::Protocol, u"the keystore of profile %1 is damaged"_s.arg(directory));
        const QCborMap file = value->toMap();
        if (!isVersion(file.value(u"v"_s), KeystoreVersion))
            return makeError(ErrorCode::Protocol, u"the keystore of profile %1 has an unsupported version"_s.arg(directory));
        Result<KdfParams> params = KdfParams::fromCbor(file.value(u"kdf"_s).toMap());
        if (!params)
            return makeError(params.error().code,
                             u"the keystore of profile %1 is damaged: %2"_s.arg(directory, params.error().message));
        kdf = params.value();
        if (Status s = deriveKeys(passphrase); !s)
            return s;
        Result<crypto::SecureBuffer> plain = SealedBox::open(keystoreKey, file.value(u"box"_s).toMap(), KeystoreAad);
        if (!plain) {
            if (plain.error().code == ErrorCode::Unauthorized)
                return makeError(ErrorCode::Unauthorized, u"wrong passphrase for profile %1"_s.arg(directory));
            return makeError(plain.error().code,
                             u"the keystore of profile %1 is damaged: %2"_s.arg(directory, plain.error().message));
        }
        Result<KeyStore> parsed = KeyStore::deserialize(plain->view());
        if (!parsed)
            return parsed.error();
        keys = std::move(parsed.value());
        return {};
    }

    Status writeState(const QString &name, const QCborValue &value)
    {
        const QByteArray plain = value.toCbor();
        Result<QCborMap> box = SealedBox::seal(stateKey, plain, stateAad(name));
        if (!box)
            return box.error();
        return SecureFile::write(path(name), box->toCborValue().toCbor());
    }

    // A missing state file is an empty state; a damaged one is an error (silently forgetting pinned keys would
    // defeat trust on first use).
    Result<QCborValue> readState(const QString &name)
    {
        Result<QByteArray> bytes = SecureFile::read(path(name), MaxFileBytes);
        if (!bytes) {
            if (bytes.error().code == ErrorCode::NotFound)
                return QCborValue(QCborArray());
            return bytes.error();
        }
        Result<QCborValue> box = SecureFile::decodeCbor(bytes.value());
        if (!box || !box->isMap())
            return makeError(ErrorCode::Protocol, u"%1 is damaged"_s.arg(path(name)));
        Result<crypto::SecureBuffer> plain = SealedBox::open(stateKey, box->toMap(), stateAad(name));
        if (!plain)
            return makeError(ErrorCode::Protocol, u"%1 is damaged or belongs to another profile"_s.arg(path(name)));
        Result<QCborValue> value = SecureFile::decodeCbor(plain->view());
        if (!value)
            return makeError(ErrorCode::Protocol, u"%1 is damaged"_s.arg(path(name)));
        return value;
    }

    Status readAllState()
    {
        Result<QCborValue> t = readState(TrustFile);
        if (!t)
            return t.error();
        Result<TrustStore> trustStore = TrustStore::fromCbor(t.value());
        if (!trustStore)
            return trustStore.error();
        Result<QCborValue> p = readState(PrekeyFile);
        if (!p)
            return p.error();
        Result<PrekeyCache> cache = PrekeyCache::fromCbor(p.value());
        if (!cache)
            return cache.error();
        Result<QCborValue> r = readState(ReceivedFile);
        if (!r)
            return r.error();
        Result<DedupeLog> log = DedupeLog::fromCbor(r.value());
        if (!log)
            return log.error();
        Result<QCborValue> c = readState(ResumeFile);
        if (!c)
            return c.error();
        Result<QCborValue> h = readState(RoomHeadsFile);
        if (!h)
            return h.error();
        Result<RoomHeads> heads = RoomHeads::fromCbor(h.value());
        if (!heads)
            return heads.error();
        Result<QCborValue> u = readState(UploadsFile);
        if (!u)
            return u.error();
        uploads = u->toMap();   // a missing file, or anything but a map: no unfinished uploads
        trust = std::move(trustStore.value());
        prekeys = std::move(cache.value());
        received = std::move(log.value());
        resume = resumeFromCbor(c.value());
        roomHeads = std::move(heads.value());
        return {};
    }

    // {"cred": bytes 32, "exp": ms}; anything else (the empty state of a missing file) is no credential.
    static std::optional<ResumeCredential> resumeFromCbor(const QCborValue &value)
    {
        const QCborMap m = value.toMap();
        const QByteArray credential = m.value("cred"_L1).toByteArray();
        const qint64 expiresAt = integerOr(m.value("exp"_L1), 0);
        if (credential.size() != 32 || expiresAt <= 0)
            return std::nullopt;
        return ResumeCredential{credential, expiresAt};
    }

    QCborValue resumeToCbor() const
    {
        if (!resume)
            return QCborValue(QCborArray());
        return QCborMap{{"cred"_L1, resume->credential}, {"exp"_L1, resume->expiresAt}};
    }

    Status saveResume() { return writeState(ResumeFile, resumeToCbor()); }

    Status writeSettings()
    {
        QJsonObject o;
        o.insert(u"version"_s, SettingsVersion);
        o.insert(u"server"_s, settings.server.toString());
        if (!settings.fingerprint.isEmpty())
            o.insert(u"fingerprint"_s, settings.fingerprint);
        if (settings.caTrust)
            o.insert(u"ca"_s, CaFile);
        if (!settings.user.isEmpty())
            o.insert(u"user"_s, settings.user);
        if (settings.device != 0)
            o.insert(u"device"_s, qint64(settings.device));
        if (!settings.deviceName.isEmpty())
            o.insert(u"device_name"_s, settings.deviceName);
        if (!settings.rootPub.isEmpty())
            o.insert(u"root_pub"_s, QString::fromLatin1(settings.rootPub.toBase64()));
        if (!settings.devicePub.isEmpty())
            o.insert(u"device_pub"_s, QString::fromLatin1(settings.devicePub.toBase64()));
        return SecureFile::write(path(SettingsFile), QJsonDocument(o).toJson(QJsonDocument::Indented));
    }
};

Profile::Profile() : d(std::make_unique<Private>()) {}
Profile::~Profile() = default;

bool Profile::exists(const QString &directory)
{
    return QFileInfo::exists(QDir(directory).filePath(KeystoreFile));
}

Result<std::unique_ptr<Profile>> Profile::create(const QString &directory, QByteArrayView passphrase,
                                                 crypto::ScryptParams kdf)
{
    if (passphrase.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"the passphrase must not be empty"_s);
    if (exists(directory))
        return makeError(ErrorCode::Conflict, u"a profile already exists in %1"_s.arg(directory));
    if (Status s = SecureFile::makePrivateDirectory(directory); !s)
        return s.error();
    std::unique_ptr<Profile> profile(new Profile);
    Private &p = *profile->d;
    p.directory = QDir(directory).absolutePath();
    if (Status s = p.lockDirectory(); !s)
        return s.error();
    if (exists(directory))   // another process created it between the check and the lock
        return makeError(ErrorCode::Conflict, u"a profile already exists in %1"_s.arg(directory));
    p.kdf = KdfParams::fresh(kdf);
    if (Status s = p.deriveKeys(passphrase); !s)
        return s.error();
    if (Status s = p.writeSettings(); !s)
        return s.error();
    if (Status s = p.writeKeystore(); !s)
        return s.error();
    qCDebug(lcSdk) << "created profile";
    return profile;
}

Result<std::unique_ptr<Profile>> Profile::open(const QString &directory, QByteArrayView passphrase)
{
    if (!QFileInfo(directory).isDir())
        return makeError(ErrorCode::NotFound, u"no profile in %1 (the directory does not exist)"_s.arg(directory));
    if (!exists(directory))
        return makeError(ErrorCode::NotFound, u"no profile in %1 (run `parley register` first)"_s.arg(directory));
    std::unique_ptr<Profile> profile(new Profile);
    Private &p = *profile->d;
    p.directory = QDir(directory).absolutePath();
    if (Status s = SecureFile::makePrivateDirectory(p.directory); !s)
        return s.error();
    if (Status s = p.lockDirectory(); !s)
        return s.error();
    Result<ProfileSettings> settings = readSettings(p.directory);
    if (!settings)
        return settings.error();
    p.settings = settings.value();
    if (Status s = p.readKeystore(passphrase); !s)
        return s.error();
    if (Status s = p.readAllState(); !s)
        return s.error();
    return profile;
}

Result<ProfileSettings> Profile::readSettings(const QString &directory)
{
    const QString path = QDir(directory).filePath(SettingsFile);
    Result<QByteArray> bytes = SecureFile::read(path, 1024 * 1024);
    if (!bytes) {
        if (bytes.error().code == ErrorCode::NotFound)
            return makeError(ErrorCode::NotFound, u"no profile in %1"_s.arg(directory));
        return bytes.error();
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.value(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(ErrorCode::Protocol, u"%1 is damaged: %2"_s.arg(path, parseError.errorString()));
    const QJsonObject o = doc.object();
    if (o.value(u"version"_s).toInt(-1) != SettingsVersion)
        return makeError(ErrorCode::Protocol, u"%1 has an unsupported version"_s.arg(path));
    ProfileSettings s;
    s.server = QUrl(o.value(u"server"_s).toString());
    s.fingerprint = o.value(u"fingerprint"_s).toString();
    s.caTrust = o.contains(u"ca"_s);
    s.user = o.value(u"user"_s).toString();
    const qint64 device = o.value(u"device"_s).toInteger(0);
    s.deviceName = o.value(u"device_name"_s).toString();
    s.rootPub = QByteArray::fromBase64(o.value(u"root_pub"_s).toString().toLatin1());
    s.devicePub = QByteArray::fromBase64(o.value(u"device_pub"_s).toString().toLatin1());
    if (device < 0 || device > 0xffffffffLL)
        return makeError(ErrorCode::Protocol, u"%1 is damaged: bad device number"_s.arg(path));
    s.device = quint32(device);
    if (!s.fingerprint.isEmpty() && !normaliseFingerprint(s.fingerprint))
        return makeError(ErrorCode::Protocol, u"%1 is damaged: bad fingerprint"_s.arg(path));
    if (s.isEnrolled()
        && (!protocol::isValidUserName(s.user) || s.rootPub.size() != crypto::P521PointSize
            || s.devicePub.size() != crypto::P521PointSize))
        return makeError(ErrorCode::Protocol, u"%1 is damaged: bad identity"_s.arg(path));
    return s;
}

Result<QString> Profile::normaliseFingerprint(const QString &text)
{
    QString hex;
    for (QChar c : text) {
        if (c == u':' || c == u' ')
            continue;
        hex.append(c.toLower());
    }
    if (hex.size() != 64)
        return makeError(ErrorCode::InvalidArgument,
                         u"a certificate fingerprint is 64 hex digits (SHA-256), optionally separated by ':'"_s);
    for (QChar c : hex) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return makeError(ErrorCode::InvalidArgument, u"the certificate fingerprint is not hexadecimal"_s);
    }
    return hex;
}

QString Profile::formatFingerprint(const QString &normalised)
{
    return parley::formatFingerprint(parseFingerprint(normalised));
}

QString Profile::directory() const { return d->directory; }
QString Profile::filePath(const QString &name) const { return d->path(name); }
const ProfileSettings &Profile::settings() const { return d->settings; }

Status Profile::setSettings(const ProfileSettings &settings)
{
    const ProfileSettings previous = d->settings;
    d->settings = settings;
    if (Status s = d->writeSettings(); !s) {
        d->settings = previous;
        return s;
    }
    return {};
}

Status Profile::setCaCertificates(const QByteArray &pem)
{
    const QList<QSslCertificate> certs = QSslCertificate::fromData(pem, QSsl::Pem);
    if (certs.isEmpty() || certs.first().isNull())
        return makeError(ErrorCode::InvalidArgument, u"no PEM certificate found in the CA file"_s);
    return SecureFile::write(d->path(CaFile), pem);
}

Result<QList<QSslCertificate>> Profile::caCertificates() const
{
    Result<QByteArray> pem = SecureFile::read(d->path(CaFile), 4 * 1024 * 1024);
    if (!pem)
        return pem.error();
    const QList<QSslCertificate> certs = QSslCertificate::fromData(pem.value(), QSsl::Pem);
    if (certs.isEmpty())
        return makeError(ErrorCode::Protocol, u"%1 holds no certificate"_s.arg(d->path(CaFile)));
    return certs;
}

KeyStore &Profile::keys() { return d->keys; }
const KeyStore &Profile::keys() const { return d->keys; }
Status Profile::saveKeys() { return d->writeKeystore(); }

TrustStore &Profile::trust() { return d->trust; }
Status Profile::saveTrust()
{
    d->trust.prune(QDateTime::currentMSecsSinceEpoch());
    return d->writeState(TrustFile, d->trust.toCbor());
}
PrekeyCache &Profile::prekeyCache() { return d->prekeys; }
Status Profile::savePrekeyCache()
{
    d->prekeys.purgeStale(nowMs());
    return d->writeState(PrekeyFile, d->prekeys.toCbor());
}
DedupeLog &Profile::received() { return d->received; }
Status Profile::saveReceived() { return d->writeState(ReceivedFile, d->received.toCbor()); }
const std::optional<ResumeCredential> &Profile::resumeCredential() const { return d->resume; }
Status Profile::setResumeCredential(const std::optional<ResumeCredential> &credential)
{
    d->resume = credential;
    return d->saveResume();
}

RoomHeads &Profile::roomHeads() { return d->roomHeads; }
Status Profile::saveRoomHeads() { return d->writeState(RoomHeadsFile, d->roomHeads.toCbor()); }
QCborMap &Profile::pendingUploads() { return d->uploads; }
Status Profile::savePendingUploads() { return d->writeState(UploadsFile, d->uploads); }

const KdfParams &Profile::kdfParams() const { return d->kdf; }

Status Profile::changePassphrase(QByteArrayView newPassphrase, crypto::ScryptParams kdf)
{
    if (newPassphrase.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"the passphrase must not be empty"_s);
    const KdfParams oldKdf = d->kdf;
    const crypto::SecureBuffer oldKeystoreKey = d->keystoreKey;
    const crypto::SecureBuffer oldStateKey = d->stateKey;
    d->kdf = KdfParams::fresh(kdf);
    Status s = d->deriveKeys(newPassphrase);
    // State files first: if the keystore write fails, the old passphrase still opens the keystore, and the state
    // files are rewritten once more under the old key below.
    if (s)
        s = saveTrust();
    if (s)
        s = savePrekeyCache();
    if (s)
        s = saveReceived();
    if (s)
        s = d->saveResume();
    if (s)
        s = saveRoomHeads();
    if (s)
        s = savePendingUploads();
    if (s)
        s = d->writeKeystore();
    if (!s) {
        d->kdf = oldKdf;
        d->keystoreKey = oldKeystoreKey;
        d->stateKey = oldStateKey;
        for (Status rollback : {saveTrust(), savePrekeyCache(), saveReceived(), d->saveResume(), saveRoomHeads(),
                                  savePendingUploads()}) {
            if (!rollback)
                qCWarning(lcSdk) << "could not restore a state file after a failed passphrase change:"
                                 << rollback.error().message;
        }
        return s;
    }
    return {};
}

} // namespace parley::sdk
