// parley-fuzz-seeds: writes the seed corpus of every fuzz target, and with --dicts the dictionaries, from what the
// tests and the protocol vectors hold, through the library's own encoders:
// - every frame type of the frame tests' corpus (tests/protocol/framecorpus.h), minimal and full, definite and
//   indefinite-length;
// - the frames, keys and signed records of docs/protocol-vectors/ (a message, a prekey bundle, a room chain and the
//   records it refuses, a recovery bundle and its content);
// - one request for every admin call of the call table, and replies;
// - the shipped configuration (resources/parleyd.conf), as it is and with every key set;
// - user import CSV written by csv::record() (the export's header, quoting of commas, quotes and line breaks);
// - PROXY protocol headers of both versions (IPv4, IPv6, UNKNOWN and LOCAL, with TLVs, TLS bytes after some).
// The dictionaries hold the CBOR encodings of every map key and text the seeds contain (frame types, error codes,
// call names, record ops), and the sections and keys of the configuration.
//
// Usage: parley-fuzz-seeds CORPUS_DIR [--dicts DICT_DIR]
// CORPUS_DIR/<target>/ is made for each target; existing files of the same name are replaced.

#include "fuzzsupport.h"

#include "framecorpus.h"

#include "admin/csv.h"
#include "admin/userimport.h"
#include "protocol/adminprotocol.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/roomchain.h"
#include "protocol/wireerror.h"
#include "sdk/envelope.h"
#include "sdk/recoverybundle.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::protocol;

namespace {

QString corpusRoot;
// Dictionary entries per dictionary name.
QMap<QString, QSet<QByteArray>> dictionaries;

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        fuzz::setupFailed(u"cannot write %1"_s.arg(path));
}

void seed(const QString &target, const QString &name, const QByteArray &bytes)
{
    const QString dir = corpusRoot + u'/' + target;
    if (!QDir().mkpath(dir))
        fuzz::setupFailed(u"cannot create %1"_s.arg(dir));
    writeFile(dir + u'/' + name, bytes);
}

QByteArray withMode(char mode, const QByteArray &bytes) { return QByteArray(1, mode) + bytes; }

// Every map key and every text of a CBOR value (recursively), as CBOR text items, into a dictionary.
void collect(const QString &dict, const QCborValue &value)
{
    if (value.isMap()) {
        const QCborMap map = value.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            collect(dict, it.key());
            collect(dict, it.value());
        }
    } else if (value.isArray()) {
        for (const QCborValue &v : value.toArray())
            collect(dict, v);
    } else if (value.isString() && value.toString().size() <= 64) {
        dictionaries[dict].insert(value.toCbor());
    }
}

void collectBytes(const QString &dict, const QByteArray &cbor) { collect(dict, QCborValue::fromCbor(cbor)); }

// ---- frames -------------------------------------------------------------------------------------------------------

void frameSeeds()
{
    for (Direction d : {test::C2S, test::S2C}) {
        const QString dir = d == test::C2S ? u"c2s"_s : u"s2c"_s;
        for (const QString &type : frameTypes(d)) {
            for (bool full : {false, true}) {
                const Frame f = test::example(d, type, full);
                const QString name = u"%1-%2-%3"_s.arg(dir, type, full ? u"full"_s : u"minimal"_s);
                seed(u"frame"_s, name, encode(f));
                seed(u"frame"_s, name + u"-indefinite"_s, test::indefinite(test::topMap(f)));
                collectBytes(u"frame"_s, encode(f));
            }
        }
    }
    for (int i = 0; i <= int(WireError::Internal); ++i)
        dictionaries[u"frame"_s].insert(QCborValue(wireErrorName(WireError(i))).toCbor());
}

// ---- the message of the vectors -----------------------------------------------------------------------------------

void envelopeSeeds()
{
    const QJsonObject message = fuzz::vectorFile(u"message.json"_s);
    const QJsonArray keys = message.value("keys"_L1).toArray();
    for (int i = 0; i < keys.size() && i < 2; ++i) {
        const QByteArray frame = fuzz::unhex(keys.at(i).toObject().value("msg_frame"_L1));
        seed(u"envelope"_s, u"open-%1"_s.arg(i), withMode(char(i), frame));
        seed(u"envelope"_s, u"resigned-%1"_s.arg(i), withMode(char(2 + i), frame));
        seed(u"frame"_s, u"vectors-msg-%1"_s.arg(i), frame);
    }
    seed(u"envelope"_s, u"plaintext"_s, withMode(4, fuzz::unhex(message.value("plaintext"_L1))));
    Result<QByteArray> empty = sdk::Envelope::encodePlaintext(QString());
    if (empty)
        seed(u"envelope"_s, u"plaintext-empty"_s, withMode(4, *empty));
    seed(u"frame"_s, u"vectors-send"_s, fuzz::unhex(message.value("send_frame"_L1)));
}

// ---- bob's prekey bundle ------------------------------------------------------------------------------------------

void prekeySeeds()
{
    const QJsonArray vectors = fuzz::vectorFile(u"statements.json"_s).value("vectors"_L1).toArray();
    const QByteArray bobDevice = fuzz::vectorPublicKey(u"bob.device2"_s);
    QByteArray certificate;
    QList<Prekey> prekeys;
    for (const QJsonValue &v : vectors) {
        const QJsonObject o = v.toObject();
        const QString kind = o.value("kind"_L1).toString();
        if (kind == "device_certificate"_L1 && fuzz::unhex(o.value("device_public"_L1)) == bobDevice)
            certificate = fuzz::unhex(o.value("signature"_L1));
        if (kind == "prekey"_L1 && fuzz::unhex(o.value("signer_public"_L1)) == bobDevice)
            prekeys.append(Prekey{quint32(o.value("kid"_L1).toInteger()),
                                  fuzz::unhex(o.value("prekey_public"_L1)), fuzz::unhex(o.value("signature"_L1))});
    }
    if (certificate.isEmpty() || prekeys.isEmpty())
        fuzz::setupFailed(u"statements.json: bob's certificate or prekeys are missing"_s);
    Bundle bundle{u"bob"_s, fuzz::vectorPublicKey(u"bob.root"_s), {}};
    for (const Prekey &pk : prekeys) {
        bundle.devices = {BundleDevice{2, bobDevice, certificate, pk, pk.kid != 7}};
        seed(u"prekeybundle"_s, u"bundle-%1"_s.arg(pk.kid), bundle.encode(16));
    }
    Prekeys upload{prekeys.mid(0, prekeys.size() - 1), prekeys.last()};
    seed(u"prekeybundle"_s, u"upload"_s, upload.encode(4));
    seed(u"frame"_s, u"vectors-bundle"_s, bundle.encode(16));
    seed(u"frame"_s, u"vectors-prekeys"_s, upload.encode(4));
}

// ---- the room chain -----------------------------------------------------------------------------------------------

void roomSeeds()
{
    const QJsonObject file = fuzz::vectorFile(u"room-records.json"_s);
    const QString room = file.value("room"_L1).toString();
    QList<RoomEntry> entries;
    for (const QJsonValue &v : file.value("chain"_L1).toArray()) {
        const QJsonObject o = v.toObject();
        entries.append(RoomEntry{fuzz::unhex(o.value("record"_L1)), fuzz::unhex(o.value("signature"_L1)),
                                 fuzz::unhex(o.value("device_public"_L1)), fuzz::unhex(o.value("device_certificate"_L1))});
    }
    for (qsizetype n = 1; n <= entries.size(); ++n) {
        const Room page{room, entries.mid(0, n), n < entries.size(), std::nullopt, std::nullopt};
        seed(u"roomchain"_s, u"page-%1"_s.arg(n), page.encode(54));
    }
    for (qsizetype i = 0; i < entries.size(); ++i) {
        seed(u"roomchain"_s, u"change-%1"_s.arg(i), RoomChange{room, entries.at(i).rec, entries.at(i).sig}.encode(50));
        seed(u"roomchain"_s, u"record-%1"_s.arg(i), entries.at(i).rec);
        collectBytes(u"roomchain"_s, entries.at(i).rec);
    }
    const QJsonArray refused = file.value("refused"_L1).toArray();
    for (qsizetype i = 0; i < refused.size(); ++i) {
        const QByteArray rec = fuzz::unhex(refused.at(i).toObject().value("record"_L1));
        seed(u"roomchain"_s, u"refused-%1"_s.arg(i), RoomChange{room, rec, entries.first().sig}.encode(50));
        seed(u"roomchain"_s, u"refused-record-%1"_s.arg(i), rec);
    }
    for (RoomOp op : {RoomOp::Create, RoomOp::Add, RoomOp::Remove, RoomOp::Promote, RoomOp::Demote, RoomOp::Leave,
                      RoomOp::Policy})
        dictionaries[u"roomchain"_s].insert(QCborValue(roomOpName(op)).toCbor());
    dictionaries[u"roomchain"_s] += dictionaries.value(u"frame"_s);
    seed(u"frame"_s, u"vectors-room"_s, Room{room, entries, false, 3600, true}.encode(54));
}

// ---- the recovery bundle ------------------------------------------------------------------------------------------

void recoverySeeds()
{
    const QJsonObject file = fuzz::vectorFile(u"recovery.json"_s);
    const QString user = file.value("user"_L1).toString();
    const QByteArray passphrase = file.value("passphrase"_L1).toString().toUtf8();
    const QByteArray blob = fuzz::unhex(file.value("blob"_L1));
    const QByteArray secret = fuzz::unhex(file.value("secret"_L1));
    Result<crypto::EcKey> root = crypto::EcKey::fromPrivateScalar(fuzz::unhex(file.value("root_private"_L1)));
    if (!root)
        fuzz::setupFailed(u"recovery.json: bad root key"_s);
    // The vectors' blob asks for scrypt at 2^17 * 8, beyond what the target spends per input: the same key sealed
    // with the cheapest parameters the format allows.
    Result<QByteArray> cheap = sdk::RecoveryBundle::create(user, *root, passphrase, crypto::ScryptParams{1 << 10, 1, 1});
    if (!cheap)
        fuzz::setupFailed(cheap.error().message);
    seed(u"recovery"_s, u"blob-cheap"_s, withMode(0, *cheap));
    seed(u"recovery"_s, u"blob-vectors"_s, withMode(0, blob));
    seed(u"recovery"_s, u"content"_s, withMode(1, secret));
    collectBytes(u"recovery"_s, blob);
    collectBytes(u"recovery"_s, secret);
}

// ---- admin frames -------------------------------------------------------------------------------------------------

void adminSeeds()
{
    namespace admin = protocol::admin;
    quint64 id = 1;
    for (const admin::Call &call : admin::calls()) {
        admin::Request request;
        request.id = id++;
        request.call = call.name;
        if (call.access != admin::Access::Anonymous)
            request.token = QString(32, u'a');
        for (const admin::Arg &arg : call.args) {
            switch (arg.kind) {
            case admin::ArgKind::Text:
                request.args.insert(arg.key, arg.key == "name"_L1 ? u"alice"_s : u"x"_s);
                break;
            case admin::ArgKind::Uint:
                request.args.insert(arg.key, 1);
                break;
            case admin::ArgKind::Bool:
                request.args.insert(arg.key, true);
                break;
            case admin::ArgKind::TextList:
                request.args.insert(arg.key, QCborArray{u"x"_s});
                break;
            }
        }
        const QByteArray bytes = admin::encodeRequest(request);
        seed(u"admin"_s, u"request-%1"_s.arg(call.name), bytes);
        collectBytes(u"admin"_s, bytes);
    }
    QCborMap result;
    result.insert("users"_L1, QCborArray{u"alice"_s, u"bob"_s});
    const QByteArray ok = admin::encodeResponse(admin::Response{7, {}, {}, result});
    seed(u"admin"_s, u"response-result"_s, ok);
    collectBytes(u"admin"_s, ok);
    for (QLatin1StringView code : {admin::errors::BadRequest, admin::errors::UnknownCall, admin::errors::Unauthorized,
                                   admin::errors::TotpRequired, admin::errors::LockedOut,
                                   admin::errors::PasswordChangeRequired, admin::errors::Forbidden,
                                   admin::errors::NotFound, admin::errors::Conflict, admin::errors::InvalidArgument,
                                   admin::errors::Unavailable, admin::errors::Internal}) {
        const QByteArray bytes = admin::encodeResponse(admin::Response{8, code, u"refused"_s, {}});
        seed(u"admin"_s, u"response-%1"_s.arg(code), bytes);
        collectBytes(u"admin"_s, bytes);
    }
}

// ---- the configuration --------------------------------------------------------------------------------------------

void configSeeds()
{
    QFile file(QStringLiteral(PARLEY_SOURCE_DIR "/resources/parleyd.conf"));
    if (!file.open(QIODevice::ReadOnly))
        fuzz::setupFailed(u"cannot read %1"_s.arg(file.fileName()));
    const QByteArray shipped = file.readAll();
    seed(u"config"_s, u"parleyd.conf"_s, shipped);
    // Every key of the file set, the commented ones as they are documented.
    QByteArray all;
    static const QRegularExpression setting(u"^;?([a-z_0-9]+)=(.*)$"_s);
    static const QRegularExpression section(u"^\\[([a-z]+)\\]$"_s);
    for (const QByteArray &line : shipped.split('\n')) {
        const QString text = QString::fromUtf8(line);
        if (const auto m = section.match(text); m.hasMatch()) {
            all += line + '\n';
            dictionaries[u"config"_s].insert(line);
        } else if (const auto m = setting.match(text); m.hasMatch()) {
            all += m.captured(1).toUtf8() + '=' + m.captured(2).toUtf8() + '\n';
            dictionaries[u"config"_s].insert(m.captured(1).toUtf8() + '=');
        }
    }
    seed(u"config"_s, u"parleyd-all-keys.conf"_s, all);
    for (const char *token : {"true", "false", "[::1]:", "127.0.0.1:", "https://", "socks5://", "http://", "/"})
        dictionaries[u"config"_s].insert(token);
}

// ---- user import CSV ----------------------------------------------------------------------------------------------

void csvSeeds()
{
    using server::csv::record;
    const QStringList columns = server::exportColumns();
    QString exported = record(columns);
    exported += record({u"alice"_s, u"active"_s, u"2"_s, u"2026-01-01T00:00:00Z"_s, u"2026-01-02T00:00:00Z"_s, u"0"_s});
    exported += record({u"bob"_s, u"suspended"_s, u"1"_s, u"2026-01-01T00:00:00Z"_s, QString(), u"3"_s});
    seed(u"csv"_s, u"export"_s, exported.toUtf8());
    seed(u"csv"_s, u"names"_s, (record({u"alice"_s}) + record({u"bob"_s}) + record({QString()}) + record({u"carol"_s})).toUtf8());
    const QString quoted = record({u"name"_s, u"state"_s}) + record({u"a,b"_s, u"say \"hi\""_s})
                           + record({u"line\nbreak"_s, u"crlf\r\nend"_s});
    seed(u"csv"_s, u"quoted"_s, quoted.toUtf8());
    QString crlf = exported;
    crlf.replace(u"\n"_s, u"\r\n"_s);
    seed(u"csv"_s, u"export-crlf"_s, u"\ufeff"_s.toUtf8() + crlf.toUtf8());
    for (const QString &c : columns)
        dictionaries[u"csv"_s].insert(c.toUtf8());
    for (const char *token : {",", "\"", "\"\"", "\r\n", "\n", "\xef\xbb\xbf"})
        dictionaries[u"csv"_s].insert(token);
}

// ---- PROXY protocol headers -------------------------------------------------------------------------------------

void proxySeeds()
{
    const QByteArray v2Signature("\r\n\r\n\0\r\nQUIT\n", 12);
    seed(u"proxy"_s, u"v1-tcp4"_s, "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n\x16\x03\x01"_ba);
    seed(u"proxy"_s, u"v1-tcp6"_s, "PROXY TCP6 2001:db8::1 2001:db8::2 65535 8443\r\n"_ba);
    seed(u"proxy"_s, u"v1-unknown"_s, "PROXY UNKNOWN\r\n"_ba);
    seed(u"proxy"_s, u"v2-tcp4"_s, v2Signature + QByteArray::fromHex("2111000ccb007107c0a8000b15b301bb") + "\x16\x03\x01"_ba);
    seed(u"proxy"_s, u"v2-tcp6"_s, v2Signature + QByteArray::fromHex("21210024") + QByteArray::fromHex("20010db8000000000000000000000042")
                                       + QByteArray::fromHex("000000000000000000000000000000019c4001bb"));
    seed(u"proxy"_s, u"v2-tlvs"_s, v2Signature + QByteArray::fromHex("21110018cb007107c0a8000b15b301bb") + QByteArray::fromHex("0100026832050004") + "abcd"_ba);
    seed(u"proxy"_s, u"v2-local"_s, v2Signature + QByteArray::fromHex("20000000"));
    for (const QByteArray &token : {"PROXY "_ba, "TCP4 "_ba, "TCP6 "_ba, "UNKNOWN"_ba, "\r\n"_ba, v2Signature,
                                    QByteArray::fromHex("2111"), QByteArray::fromHex("2121"), QByteArray::fromHex("2000")})
        dictionaries[u"proxy"_s].insert(token);
}

// ---- dictionaries -------------------------------------------------------------------------------------------------

QByteArray dictLine(int n, const QByteArray &entry)
{
    QByteArray out = "kw" + QByteArray::number(n) + "=\"";
    for (char c : entry) {
        const uchar u = uchar(c);
        if (c == '"' || c == '\\')
            out += '\\' + QByteArray(1, c);
        else if (u >= 0x20 && u < 0x7f)
            out += c;
        else
            out += "\\x" + QByteArray::number(u, 16).rightJustified(2, '0');
    }
    return out + "\"\n";
}

void writeDictionaries(const QString &dir)
{
    if (!QDir().mkpath(dir))
        fuzz::setupFailed(u"cannot create %1"_s.arg(dir));
    for (auto it = dictionaries.cbegin(); it != dictionaries.cend(); ++it) {
        QList<QByteArray> entries(it.value().cbegin(), it.value().cend());
        std::sort(entries.begin(), entries.end());
        QByteArray text = "# " + it.key().toUtf8()
                          + ".dict: written by parley-fuzz-seeds --dicts (fuzz/seedgen.cpp); do not edit by hand.\n";
        int n = 0;
        for (const QByteArray &e : entries)
            text += dictLine(++n, e);
        writeFile(dir + u'/' + it.key() + u".dict"_s, text);
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    fuzz::quietLogging();
    const QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.first().startsWith(u'-') || (args.size() != 1 && (args.size() != 3 || args.at(1) != "--dicts"_L1))) {
        std::fprintf(stderr, "usage: parley-fuzz-seeds CORPUS_DIR [--dicts DICT_DIR]\n");
        return 2;
    }
    corpusRoot = args.first();
    frameSeeds();
    envelopeSeeds();
    prekeySeeds();
    roomSeeds();
    recoverySeeds();
    adminSeeds();
    configSeeds();
    csvSeeds();
    proxySeeds();
    if (args.size() == 3)
        writeDictionaries(args.at(2));
    return 0;
}
