#include "protocol/statements.h"

#include "crypto/crypto.h"
#include "protocol/cborwriter.h"

#include <QCborStreamWriter>

#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;

namespace parley::protocol {

namespace {

// Writes the shared start of every statement: a definite array of `count` elements, the label first.
void startStatement(QCborStreamWriter &writer, quint64 count, QLatin1StringView label)
{
    writer.startArray(count);
    writer.append(label);
}

} // namespace

QByteArray deviceStatement(const QString &user, const QByteArray &devicePub)
{
    QByteArray out;
    QCborStreamWriter w(&out);
    startStatement(w, 3, "parley-device-v1"_L1);
    w.append(QStringView(user));
    w.append(devicePub);
    w.endArray();
    return out;
}

QByteArray prekeyStatement(quint32 kid, const QByteArray &prekeyPub)
{
    QByteArray out;
    QCborStreamWriter w(&out);
    startStatement(w, 3, "parley-prekey-v1"_L1);
    w.append(quint64(kid));
    w.append(prekeyPub);
    w.endArray();
    return out;
}

QByteArray loginStatement(const QByteArray &challenge, const QString &user, quint32 device)
{
    QByteArray out;
    QCborStreamWriter w(&out);
    startStatement(w, 4, "parley-login-v1"_L1);
    w.append(challenge);
    w.append(QStringView(user));
    w.append(quint64(device));
    w.endArray();
    return out;
}

MessageCore MessageCore::of(const SendRequest &send, const QString &senderUser, quint32 senderDevice)
{
    return MessageCore{senderUser, senderDevice, send.mid, send.to, send.at, send.pl, send.kc, send.opts};
}

MessageCore MessageCore::of(const Msg &msg)
{
    return MessageCore{msg.sender, msg.dev, msg.mid, msg.to, msg.at, msg.pl, msg.kc, msg.opts};
}

QByteArray MessageCore::encode() const
{
    const QStringList recipients = normalisedRecipients(to);
    QByteArray out;
    CborWriter w(out);
    w.array(9);
    w.text("parley-msg-v1"_L1);
    w.text(from);
    w.uint(device);
    w.bytes(mid);
    w.texts(recipients);
    w.uint(sentAt);
    w.bytes(crypto::sha512(payload));
    w.bytes(keyCommitment);
    // Deterministic map order (RFC 8949 section 4.2.1): by encoded key, so "exp", then "burn", then "room".
    w.map(quint64(options.exp.has_value()) + quint64(options.burn.has_value()) + quint64(options.room.has_value()));
    if (options.exp) {
        w.text("exp"_L1);
        w.uint(*options.exp);
    }
    if (options.burn) {
        w.text("burn"_L1);
        w.boolean(*options.burn);
    }
    if (options.room) {
        w.text("room"_L1);
        w.text(*options.room);
    }
    return out;
}

QByteArray MessageCore::hash() const { return crypto::sha512(encode()); }

QStringList normalisedRecipients(QStringList users)
{
    // Sorting by UTF-8 bytes is sorting by code points, which UTF-16 order matches except around surrogates:
    // sort on the UTF-8 encoding itself so that every implementation agrees.
    std::vector<std::pair<QByteArray, qsizetype>> keyed;
    keyed.reserve(size_t(users.size()));
    for (qsizetype i = 0; i < users.size(); ++i)
        keyed.emplace_back(users.at(i).toUtf8(), i);
    std::sort(keyed.begin(), keyed.end());
    QStringList out;
    out.reserve(users.size());
    for (size_t i = 0; i < keyed.size(); ++i) {
        if (i > 0 && keyed[i].first == keyed[i - 1].first)
            continue;
        out.append(std::move(users[keyed[i].second]));
    }
    return out;
}

QByteArray wrapInfo(const QString &from, const QByteArray &senderRoot, const QByteArray &senderDevicePub,
                    const QString &toUser, const QByteArray &recipientRoot, const QByteArray &recipientDevicePub,
                    const QByteArray &ephemeralPub, const QByteArray &prekeyPub)
{
    QByteArray out;
    QCborStreamWriter w(&out);
    startStatement(w, 9, "parley-wrap-v1"_L1);
    w.append(QStringView(from));
    w.append(senderRoot);
    w.append(senderDevicePub);
    w.append(QStringView(toUser));
    w.append(recipientRoot);
    w.append(recipientDevicePub);
    w.append(ephemeralPub);
    w.append(prekeyPub);
    w.endArray();
    return out;
}

} // namespace parley::protocol
