#include "protocol/frame.h"

#include "protocol/cborwriter.h"
#include "protocol/schema.h"

#include <QVarLengthArray>

using namespace Qt::StringLiterals;

namespace parley::protocol {

QStringList Frame::textList(QLatin1StringView key) const
{
    QStringList out;
    const QCborArray list = fields.value(key).toArray();
    out.reserve(list.size());
    for (const auto &v : list)
        out.append(v.toString());
    return out;
}

QByteArray encode(const Frame &frame)
{
    QByteArray out;
    CborWriter writer(out);
    writer.map(quint64(frame.fields.size()) + (frame.id ? 2 : 1));
    writer.text("t"_L1);
    writer.text(frame.type);
    if (frame.id) {
        writer.text("id"_L1);
        writer.uint(frame.id);
    }
    for (auto it = frame.fields.cbegin(); it != frame.fields.cend(); ++it) {
        writer.value(it.key());
        writer.value(it.value());
    }
    return out;
}

Frame errorFrame(WireError code, const QString &message, quint64 id)
{
    QString msg = message;
    QByteArray utf8 = message.toUtf8();
    if (utf8.size() > MaxErrorMessageBytes) {
        qsizetype cut = MaxErrorMessageBytes;
        while (cut > 0 && (uchar(utf8[cut]) & 0xc0) == 0x80)
            --cut;
        utf8.truncate(cut);
        msg = QString::fromUtf8(utf8);
    }
    QCborMap fields;
    fields.insert("code"_L1, wireErrorName(code));
    fields.insert("msg"_L1, msg);
    return Frame(u"error"_s, id, std::move(fields));
}

bool requiresId(const QString &type)
{
    for (const schema::FrameSchema *f = schema::begin(); f != schema::end(); ++f) {
        if (type == f->type)
            return f->id == schema::IdRule::Required;
    }
    return false;
}

bool isValidUserName(QStringView name)
{
    // The rule itself is over UTF-8 (schema::isUserNameUtf8). It admits ASCII only, so a name holding anything else
    // is refused here and the rest is passed on byte for byte.
    QVarLengthArray<char, 64> ascii;
    for (const QChar c : name) {
        if (c.unicode() > 0x7f)
            return false;
        ascii.append(char(c.unicode()));
    }
    return schema::isUserNameUtf8(QByteArrayView(ascii.constData(), ascii.size()));
}

bool isBotName(QStringView name)
{
    return name.size() > 4 && name.endsWith(u".bot") && isValidUserName(name);
}

} // namespace parley::protocol
