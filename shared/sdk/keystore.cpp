#include "sdk/keystore.h"

#include <QBuffer>
#include <QCborStreamReader>
#include <QCborStreamWriter>

#include <limits>
#include <map>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

constexpr int FormatVersion = 1;

// Private scalars are written and read through the CBOR stream API straight from and into SecureBuffers, so
// that no unwiped copy of them lingers in a QCborValue.
void writeBytes(QCborStreamWriter &writer, const crypto::SecureBuffer &bytes)
{
    writer.appendByteString(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
}

class Parser {
public:
    explicit Parser(QByteArrayView data) : m_reader(data.data(), data.size()) {}

    bool fail(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = message;
        return false;
    }
    const QString &error() const { return m_error; }
    QCborStreamReader &reader() { return m_reader; }

    bool readUInt(quint64 &out)
    {
        if (!m_reader.isUnsignedInteger())
            return fail(u"expected an unsigned integer"_s);
        out = m_reader.toUnsignedInteger();
        return m_reader.next();
    }
    bool readText(QString &out)
    {
        if (!m_reader.isString())
            return fail(u"expected a text string"_s);
        out.clear();
        auto r = m_reader.readString();
        while (r.status == QCborStreamReader::Ok) {
            out += r.data;
            if (out.size() > 64)
                return fail(u"text too long"_s);
            r = m_reader.readString();
        }
        return r.status == QCborStreamReader::EndOfString || fail(u"malformed text string"_s);
    }
    bool readSecret(crypto::SecureBuffer &out, qsizetype maxSize)
    {
        if (!m_reader.isByteArray())
            return fail(u"expected a byte string"_s);
        out = crypto::SecureBuffer(std::size_t(maxSize));
        qsizetype used = 0;
        for (;;) {
            const qsizetype room = maxSize - used;
            // readStringChunk() silently drops what does not fit, so the chunk size is checked first.
            if (m_reader.currentStringChunkSize() > room)
                return fail(u"oversized key"_s);
            auto r = m_reader.readStringChunk(reinterpret_cast<char *>(out.data()) + used, room);
            if (r.status == QCborStreamReader::EndOfString)
                break;
            if (r.status != QCborStreamReader::Ok || r.data > room)
                return fail(u"malformed or oversized key"_s);
            used += r.data;
        }
        out.resize(std::size_t(used));
        return true;
    }

    bool readTime(qint64 &out)
    {
        quint64 v = 0;
        if (!readUInt(v))
            return false;
        if (v > quint64(std::numeric_limits<qint64>::max()))
            return fail(u"time out of range"_s);
        out = qint64(v);
        return true;
    }
    bool readKid(quint32 &out)
    {
        quint64 v = 0;
        if (!readUInt(v))
            return false;
        if (v == 0 || v > 0xffffffffu)
            return fail(u"kid out of range"_s);
        out = quint32(v);
        return true;
    }
    bool read(OneTimePrekeyRecord &r)
    {
        return readKid(r.kid) && readSecret(r.scalar, crypto::P521ScalarSize) && readTime(r.createdAt)
            && readTime(r.handedOutAt) && readTime(r.usedAt);
    }
    bool read(LastResortRecord &r)
    {
        return readKid(r.kid) && readSecret(r.scalar, crypto::P521ScalarSize) && readTime(r.createdAt)
            && readTime(r.retiredAt);
    }
    // An array of records, each an array of its fields, into `out` by kid.
    template<class Record>
    bool readRecords(std::map<quint32, Record> &out)
    {
        if (!m_reader.isArray() || !m_reader.enterContainer())
            return false;
        while (m_reader.lastError() == QCborError::NoError && m_reader.hasNext()) {
            Record r;
            if (!m_reader.isArray() || !m_reader.enterContainer() || !read(r))
                return false;
            const quint32 kid = r.kid;
            out[kid] = std::move(r);
            if (m_reader.hasNext() || !m_reader.leaveContainer())
                return false;
        }
        return m_reader.leaveContainer();
    }

private:
    QCborStreamReader m_reader;
    QString m_error;
};

} // namespace

struct KeyStore::Private {
    crypto::SecureBuffer root;
    crypto::SecureBuffer device;
    quint64 nextKid = 1;
    std::map<quint32, OneTimePrekeyRecord> oneTime;
    std::map<quint32, LastResortRecord> lastResort;
};

KeyStore::KeyStore() : d(std::make_unique<Private>()) {}
KeyStore::KeyStore(const KeyStore &other) : d(std::make_unique<Private>(*other.d)) {}
KeyStore &KeyStore::operator=(const KeyStore &other)
{
    if (this != &other)
        d = std::make_unique<Private>(*other.d);
    return *this;
}
KeyStore::KeyStore(KeyStore &&other) noexcept : d(std::move(other.d)) { other.d = std::make_unique<Private>(); }
KeyStore &KeyStore::operator=(KeyStore &&other) noexcept
{
    std::swap(d, other.d);
    return *this;
}
KeyStore::~KeyStore() = default;

bool KeyStore::hasRootKey() const { return !d->root.isEmpty(); }

Result<crypto::EcKey> KeyStore::rootKey() const
{
    if (d->root.isEmpty())
        return makeError(ErrorCode::NotFound, u"this profile does not hold the user's root key"_s);
    return crypto::EcKey::fromPrivateScalar(d->root.view());
}

void KeyStore::setRootKey(const crypto::EcKey &key) { d->root = key.privateScalar(); }

bool KeyStore::hasDeviceKey() const { return !d->device.isEmpty(); }

Result<crypto::EcKey> KeyStore::deviceKey() const
{
    if (d->device.isEmpty())
        return makeError(ErrorCode::NotFound, u"this profile has no device key"_s);
    return crypto::EcKey::fromPrivateScalar(d->device.view());
}

void KeyStore::setDeviceKey(const crypto::EcKey &key) { d->device = key.privateScalar(); }

quint32 KeyStore::allocateKid()
{
    // kid < 2^32 on the wire; wrapping around after four billion keys is not a practical concern, but skip any
    // kid still held so that a wrap can never alias a live key.
    for (;;) {
        quint32 kid = quint32(d->nextKid & 0xffffffffu);
        d->nextKid = (d->nextKid + 1) & 0xffffffffu;
        if (d->nextKid == 0)
            d->nextKid = 1;
        if (kid != 0 && !hasPrekey(kid))
            return kid;
    }
}

void KeyStore::skipKids(quint32 count)
{
    d->nextKid = (d->nextKid + count) & 0xffffffffu;
    if (d->nextKid == 0)
        d->nextKid = 1;
}

void KeyStore::addOneTimePrekey(quint32 kid, const crypto::EcKey &key, qint64 nowMs)
{
    OneTimePrekeyRecord record;
    record.kid = kid;
    record.scalar = key.privateScalar();
    record.createdAt = nowMs;
    d->oneTime[kid] = std::move(record);
}

void KeyStore::setLastResort(quint32 kid, const crypto::EcKey &key, qint64 nowMs)
{
    for (auto &[k, record] : d->lastResort) {
        if (record.retiredAt == 0)
            record.retiredAt = nowMs;
    }
    LastResortRecord record;
    record.kid = kid;
    record.scalar = key.privateScalar();
    record.createdAt = nowMs;
    d->lastResort[kid] = std::move(record);
}

std::optional<quint32> KeyStore::currentLastResortKid() const
{
    for (const auto &[kid, record] : d->lastResort) {
        if (record.retiredAt == 0)
            return kid;
    }
    return std::nullopt;
}

bool KeyStore::hasPrekey(quint32 kid) const { return d->oneTime.count(kid) || d->lastResort.count(kid); }

Result<crypto::EcKey> KeyStore::prekey(quint32 kid) const
{
    if (auto it = d->oneTime.find(kid); it != d->oneTime.end())
        return crypto::EcKey::fromPrivateScalar(it->second.scalar.view());
    if (auto it = d->lastResort.find(kid); it != d->lastResort.end())
        return crypto::EcKey::fromPrivateScalar(it->second.scalar.view());
    return makeError(ErrorCode::NotFound, u"no private key for prekey %1"_s.arg(kid));
}

const OneTimePrekeyRecord *KeyStore::oneTimePrekey(quint32 kid) const
{
    auto it = d->oneTime.find(kid);
    return it == d->oneTime.end() ? nullptr : &it->second;
}

QList<quint32> KeyStore::oneTimeKids() const
{
    QList<quint32> kids;
    kids.reserve(qsizetype(d->oneTime.size()));
    for (const auto &[kid, record] : d->oneTime)
        kids.append(kid);
    return kids;
}

int KeyStore::oneTimeCount() const { return int(d->oneTime.size()); }

int KeyStore::unusedOneTimeCount() const
{
    int n = 0;
    for (const auto &[kid, record] : d->oneTime) {
        if (record.usedAt == 0 && record.handedOutAt == 0)
            ++n;
    }
    return n;
}

bool KeyStore::markUsed(quint32 kid, qint64 nowMs)
{
    auto it = d->oneTime.find(kid);
    if (it == d->oneTime.end() || it->second.usedAt != 0)
        return false;
    it->second.usedAt = nowMs;
    return true;
}

int KeyStore::noteServerPool(int serverCount, qint64 nowMs)
{
    int surplus = unusedOneTimeCount() - qMax(serverCount, 0);
    int marked = 0;
    for (auto &[kid, record] : d->oneTime) {
        if (surplus <= 0)
            break;
        if (record.usedAt == 0 && record.handedOutAt == 0) {
            record.handedOutAt = nowMs;
            --surplus;
            ++marked;
        }
    }
    return marked;
}

int KeyStore::purgeExpired(qint64 nowMs)
{
    int removed = 0;
    for (auto it = d->oneTime.begin(); it != d->oneTime.end();) {
        const OneTimePrekeyRecord &r = it->second;
        qint64 since = 0;
        if (r.usedAt != 0 && r.handedOutAt != 0)
            since = qMin(r.usedAt, r.handedOutAt);
        else
            since = qMax(r.usedAt, r.handedOutAt);
        if (since != 0 && nowMs - since > PrekeyRetentionMs) {
            it = d->oneTime.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    for (auto it = d->lastResort.begin(); it != d->lastResort.end();) {
        if (it->second.retiredAt != 0 && nowMs - it->second.retiredAt > PrekeyRetentionMs) {
            it = d->lastResort.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    return removed;
}

crypto::SecureBuffer KeyStore::serialize() const
{
    QByteArray out;
    // Reserve enough that the buffer never reallocates (each reallocation would leave an unwiped copy behind).
    out.reserve(qsizetype(256 + (d->oneTime.size() + d->lastResort.size()) * 128));
    {
        QCborStreamWriter writer(&out);
        writer.startMap();
        writer.append(u"v"_s);
        writer.append(FormatVersion);
        if (!d->root.isEmpty()) {
            writer.append(u"root"_s);
            writeBytes(writer, d->root);
        }
        if (!d->device.isEmpty()) {
            writer.append(u"device"_s);
            writeBytes(writer, d->device);
        }
        writer.append(u"next_kid"_s);
        writer.append(d->nextKid);
        writer.append(u"otk"_s);
        writer.startArray(quint64(d->oneTime.size()));
        for (const auto &[kid, r] : d->oneTime) {
            writer.startArray(5);
            writer.append(quint64(kid));
            writeBytes(writer, r.scalar);
            writer.append(quint64(r.createdAt));
            writer.append(quint64(r.handedOutAt));
            writer.append(quint64(r.usedAt));
            writer.endArray();
        }
        writer.endArray();
        writer.append(u"lr"_s);
        writer.startArray(quint64(d->lastResort.size()));
        for (const auto &[kid, r] : d->lastResort) {
            writer.startArray(4);
            writer.append(quint64(kid));
            writeBytes(writer, r.scalar);
            writer.append(quint64(r.createdAt));
            writer.append(quint64(r.retiredAt));
            writer.endArray();
        }
        writer.endArray();
        writer.endMap();
    }
    crypto::SecureBuffer result(out);
    crypto::cleanse(out);
    return result;
}

Result<KeyStore> KeyStore::deserialize(QByteArrayView cbor)
{
    Parser p(cbor);
    QCborStreamReader &reader = p.reader();
    KeyStore store;
    Private &s = *store.d;
    bool sawVersion = false;
    const auto bad = [&p](const QString &what) {
        return makeError(ErrorCode::Protocol, u"damaged keystore: %1"_s.arg(p.error().isEmpty() ? what : p.error()));
    };

    if (!reader.isMap() || !reader.enterContainer())
        return bad(u"not a map"_s);
    while (reader.lastError() == QCborError::NoError && reader.hasNext()) {
        QString key;
        if (!p.readText(key))
            return bad(u"bad key"_s);
        if (key == u"v"_s) {
            quint64 v = 0;
            if (!p.readUInt(v) || v != FormatVersion)
                return bad(u"unsupported version"_s);
            sawVersion = true;
        } else if (key == u"root"_s) {
            if (!p.readSecret(s.root, crypto::P521ScalarSize))
                return bad(u"root"_s);
        } else if (key == u"device"_s) {
            if (!p.readSecret(s.device, crypto::P521ScalarSize))
                return bad(u"device"_s);
        } else if (key == u"next_kid"_s) {
            if (!p.readUInt(s.nextKid) || s.nextKid == 0 || s.nextKid > 0xffffffffu)
                return bad(u"next_kid"_s);
        } else if (key == u"otk"_s) {
            if (!p.readRecords(s.oneTime))
                return bad(key);
        } else if (key == u"lr"_s) {
            if (!p.readRecords(s.lastResort))
                return bad(key);
        } else {
            return bad(u"unknown field %1"_s.arg(key));
        }
    }
    if (reader.lastError() != QCborError::NoError || !reader.leaveContainer())
        return bad(u"malformed CBOR"_s);
    if (reader.currentOffset() != cbor.size())
        return bad(u"trailing bytes"_s);
    if (!sawVersion)
        return bad(u"no version"_s);
    return store;
}

} // namespace parley::sdk
