// Strict decoding of frames against the schema table (docs/protocol.md "Frame layout"); frame.cpp has the rest of
// frame.h.

#include "protocol/frame.h"

#include "protocol/decoding_p.h"
#include "protocol/schema.h"

#include <QCborStreamReader>
#include <QList>
#include <QSet>
#include <QVarLengthArray>

#include <array>
#include <cstring>
#include <memory>
#include <utility>

using namespace Qt::StringLiterals;

namespace parley::protocol {

namespace {

using schema::FieldList;
using schema::FrameSchema;
using schema::IdRule;
using schema::Kind;
using schema::Spec;

using namespace decoding;


// One decode() call. A validating pass over the input with QCborStreamReader checks structure and schema in place
// (no allocation for an ordinary frame), then QCborValue::fromCbor() builds the result, copying each string once.
//
// Precedence of refusals: size, then structure (BadFrame: anywhere in the frame), then the type (UnknownType), then
// the request id, then the first field problem in document order (BadField). So a field problem is only noted and
// the walk goes on (a structural problem further on still wins); a structural problem ends the walk.
//
// The validating pass needs the schema, so it needs "t" before the fields. Frames put "t" first (encode() does);
// for one that does not, a structure-only pass finds "t" first.
class Decoder {
public:
    Decoder(QByteArrayView data, Direction direction)
        : m_data(data),
          m_direction(direction),
          m_reader(QByteArray::fromRawData(data.data(), data.size()))
    {
    }

    DecodeResult run();

private:
    // A scalar read from an array element, for the ascending-order rule.
    struct Item {
        QByteArrayView text;
        bool textInScratch = false;
        quint64 number = 0;
    };

    // A key of the top-level map whose value a scan notes.
    enum class TopKey { None, Type, Id };

    const FrameSchema *peekType();
    bool scan(int depth, bool frame);
    bool scanScalar();
    bool scanText(KeySet &keys, bool isKey, bool top, TopKey current, TopKey *pending);
    void noteTopValue(TopKey key);
    bool walkMap(FieldList fields, const PathNode *path, int depth, const FrameSchema *top);
    bool walkValue(const Spec &spec, const PathNode *path, int depth, Item *item);
    bool walkText(const Spec &spec, const PathNode *path, Item *item);
    bool walkArray(const Spec &spec, const PathNode *path, int depth);
    bool walkTypeOrId(QByteArrayView key);

    bool readString(QByteArrayView *out, bool *inScratch);
    bool readText(QByteArrayView *out, bool *inScratch);
    bool skipString();
    bool stringLength(quint64 *length);

    // A structural problem: ends the walk.
    bool fail(WireError code, QString message);
    bool malformed() { return fail(WireError::BadFrame, u"not well-formed CBOR"_s); }
    bool nestedTooDeep() { return fail(WireError::BadFrame, u"nested deeper than %1 levels"_s.arg(MaxNestingDepth)); }
    // A field problem: noted (the first one counts), and the walk goes on.
    void noteField(const PathNode *path, const QString &what)
    {
        if (m_fieldError.isEmpty())
            m_fieldError = renderPath(path) + u": "_s + what;
    }
    DecodeResult refuse(WireError code, const QString &message)
    {
        return FrameError{code, message, readableId()};
    }
    quint64 readableId() const
    {
        return m_idState == IdState::Unsigned && m_id >= 1 && m_id <= MaxRequestId ? m_id : 0;
    }

    const QByteArrayView m_data;
    const Direction m_direction;
    QCborStreamReader m_reader;
    QByteArray m_scratch;            // chunked (indefinite-length) strings are joined here
    QList<QByteArray> m_ownedKeys;   // chunked keys, kept for the duplicate check
    FrameError m_error;              // the structural problem, once fail() was called
    QString m_fieldError;            // the first field problem

    enum class TypeState { Missing, NotText, Text } m_typeState = TypeState::Missing;
    QByteArrayView m_type;
    QByteArray m_typeOwned;
    enum class IdState { Missing, Unsigned, Other } m_idState = IdState::Missing;
    quint64 m_id = 0;
};

bool Decoder::fail(WireError code, QString message)
{
    m_error.code = code;
    m_error.message = std::move(message);
    m_error.id = readableId();
    return false;
}

// Advances past the current text or byte string without copying it.
bool Decoder::skipString()
{
    char sink;
    for (;;) {
        const auto r = m_reader.readStringChunk(&sink, 0);
        if (r.status == QCborStreamReader::Ok)
            continue;
        return r.status == QCborStreamReader::EndOfString && m_reader.lastError() == QCborError::NoError;
    }
}

// The current string's bytes: a view of the input, or of m_scratch for a chunked string. Advances past it.
bool Decoder::readString(QByteArrayView *out, bool *inScratch)
{
    QCborStreamReader &r = m_reader;
    if (r.isLengthKnown()) {
        const qint64 offset = r.currentOffset();
        const quint64 length = r.length();
        if (offset < 0 || offset >= m_data.size() || !skipString())
            return false;
        const qsizetype start = qsizetype(offset) + headSize(uchar(m_data[offset]));
        if (start > m_data.size() || length > quint64(m_data.size() - start))
            return false;
        *out = m_data.sliced(start, qsizetype(length));
        *inScratch = false;
        return true;
    }
    m_scratch.clear();
    for (;;) {
        const qsizetype chunk = r.currentStringChunkSize();
        if (chunk < 0 || chunk > m_data.size())
            return false;
        const qsizetype used = m_scratch.size();
        m_scratch.resize(used + chunk);
        const auto res = r.readStringChunk(m_scratch.data() + used, chunk);
        if (res.status == QCborStreamReader::Error)
            return false;
        m_scratch.resize(used + res.data);
        if (res.status == QCborStreamReader::EndOfString)
            break;
    }
    if (r.lastError() != QCborError::NoError)
        return false;
    *out = m_scratch;
    *inScratch = true;
    return true;
}

// readString() for a text string, with the UTF-8 check; false after fail().
bool Decoder::readText(QByteArrayView *out, bool *inScratch)
{
    if (!readString(out, inScratch))
        return malformed();
    if (!isValidUtf8(*out))
        return fail(WireError::BadFrame, u"text string is not valid UTF-8"_s);
    return true;
}

bool Decoder::stringLength(quint64 *length)
{
    QCborStreamReader &r = m_reader;
    if (r.isLengthKnown()) {
        *length = r.length();
        return skipString();
    }
    quint64 total = 0;
    char sink;
    for (;;) {
        const qsizetype chunk = r.currentStringChunkSize();
        if (chunk < 0)
            return false;
        const auto res = r.readStringChunk(&sink, 0);
        if (res.status == QCborStreamReader::Error)
            return false;
        if (res.status == QCborStreamReader::EndOfString)
            break;
        total += quint64(chunk);
    }
    *length = total;
    return r.lastError() == QCborError::NoError;
}

// The frame's schema when "t" is its first key and names a known type, else nullptr. Leaves the reader anywhere.
const FrameSchema *Decoder::peekType()
{
    QCborStreamReader &r = m_reader;
    if (!r.isMap() || !r.enterContainer() || !r.hasNext() || !r.isString())
        return nullptr;
    QByteArrayView key;
    bool inScratch = false;
    if (!readString(&key, &inScratch) || key != "t" || !r.isString())
        return nullptr;
    QByteArrayView type;
    if (!readString(&type, &inScratch))
        return nullptr;
    return schema::find(m_direction, type);
}

// A value that is not a container: fixed-size items, strings (text checked for UTF-8), no tags.
bool Decoder::scanScalar()
{
    QCborStreamReader &r = m_reader;
    switch (r.type()) {
    case QCborStreamReader::String: {
        QByteArrayView s;
        bool inScratch = false;
        return readText(&s, &inScratch);
    }
    case QCborStreamReader::ByteString:
        return skipString() || malformed();
    case QCborStreamReader::Tag:
        return fail(WireError::BadFrame, u"CBOR tags are not used by this protocol"_s);
    case QCborStreamReader::Invalid:
        return malformed();
    default:   // integers, simple values, floats: fixed size
        return r.next() || malformed();
    }
}

// A text item of a scan: a map key (unique within its map; at the top of a frame, "t" and "id" are watched for) or
// a value (the frame's type when it follows "t").
bool Decoder::scanText(KeySet &keys, bool isKey, bool top, TopKey current, TopKey *pending)
{
    QByteArrayView s;
    bool inScratch = false;
    if (!readText(&s, &inScratch))
        return false;
    if (isKey) {
        if (inScratch) {
            m_ownedKeys.append(s.toByteArray());
            s = m_ownedKeys.constLast();
        }
        if (!keys.insert(s))
            return fail(WireError::BadFrame, u"duplicate key %1 in a map"_s.arg(printable(s)));
        if (top)
            *pending = s == "t" ? TopKey::Type : (s == "id" ? TopKey::Id : TopKey::None);
    } else if (current == TopKey::Type) {
        m_typeState = TypeState::Text;
        if (inScratch) {
            m_typeOwned = s.toByteArray();
            m_type = m_typeOwned;
        } else {
            m_type = s;
        }
    }
    return true;
}

// The kind of the value of "t" or "id" at the top of a frame (a text type; an unsigned id and its value).
void Decoder::noteTopValue(TopKey key)
{
    QCborStreamReader &r = m_reader;
    if (key == TopKey::Type && !r.isString())
        m_typeState = TypeState::NotText;
    if (key == TopKey::Id) {
        m_idState = r.isUnsignedInteger() ? IdState::Unsigned : IdState::Other;
        if (r.isUnsignedInteger())
            m_id = r.toUnsignedInteger();
    }
}

// Structure only, for one value whose nesting level is `depth` (the top-level map is level 1): well-formed CBOR,
// text keys without duplicates, valid UTF-8, no tags, the depth limit. Iterative, so hostile nesting cannot
// exhaust the stack. With `frame` (the whole frame from level 1), also notes "t" and "id" and refuses trailing bytes.
bool Decoder::scan(int depth, bool frame)
{
    QCborStreamReader &r = m_reader;
    if (r.lastError() != QCborError::NoError || r.isInvalid())
        return malformed();
    if (!r.isArray() && !r.isMap())
        return scanScalar();
    if (depth > MaxNestingDepth)
        return nestedTooDeep();

    struct Level {
        quint64 items = 0;
        bool map = false;
        KeySet keys;
    };
    std::array<Level, MaxNestingDepth> levels;
    TopKey pending = TopKey::None;
    const int base = depth;
    levels[0].map = r.isMap();
    if (!r.enterContainer())
        return malformed();

    for (;;) {
        if (r.lastError() != QCborError::NoError)
            return malformed();
        Level &level = levels[depth - base];
        if (!r.hasNext()) {
            if ((level.map && level.items % 2) || !r.leaveContainer())
                return malformed();
            if (depth-- == base)
                break;
            continue;
        }
        const bool isKey = level.map && level.items % 2 == 0;
        const bool top = frame && depth == 1;
        const TopKey current = top && !isKey ? std::exchange(pending, TopKey::None) : TopKey::None;
        ++level.items;
        const QCborStreamReader::Type type = r.type();
        if (isKey && type != QCborStreamReader::String) {
            if (type == QCborStreamReader::Invalid)
                return malformed();
            return fail(WireError::BadFrame, u"map keys must be text strings"_s);
        }
        noteTopValue(current);
        if (type == QCborStreamReader::Array || type == QCborStreamReader::Map) {
            if (depth == MaxNestingDepth)
                return nestedTooDeep();
            Level &inner = levels[depth + 1 - base];
            inner.items = 0;
            inner.map = type == QCborStreamReader::Map;
            inner.keys.clear();
            if (!r.enterContainer())
                return malformed();
            ++depth;
        } else if (type == QCborStreamReader::String) {
            if (!scanText(level.keys, isKey, top, current, &pending))
                return false;
        } else if (!scanScalar()) {
            return false;
        }
    }
    if (r.lastError() != QCborError::NoError)
        return malformed();
    if (frame && r.currentOffset() != m_data.size())
        return fail(WireError::BadFrame, u"trailing bytes after the frame"_s);
    return true;
}

// The value of "t" or "id" in the top-level map of a validating walk. The type is known already (it chose the
// schema); the id is checked against the schema's rule once the walk is done.
bool Decoder::walkTypeOrId(QByteArrayView key)
{
    QCborStreamReader &r = m_reader;
    if (key == "id") {
        m_idState = r.isUnsignedInteger() ? IdState::Unsigned : IdState::Other;
        if (r.isUnsignedInteger())
            m_id = r.toUnsignedInteger();
    }
    return scan(2, false);
}

// One map against its fields. Recursion follows the schema (a handful of levels), never the input: values the
// schema does not describe go to the iterative scan().
bool Decoder::walkMap(FieldList fields, const PathNode *path, int depth, const FrameSchema *top)
{
    QCborStreamReader &r = m_reader;
    if (depth > MaxNestingDepth)
        return nestedTooDeep();
    if (!r.enterContainer())
        return malformed();
    quint64 seen = 0;
    bool seenType = false;
    bool seenId = false;
    std::unique_ptr<KeySet> undefinedKeys;   // only when there are some
    while (r.hasNext()) {
        if (!r.isString()) {
            if (r.lastError() != QCborError::NoError || r.isInvalid())
                return malformed();
            return fail(WireError::BadFrame, u"map keys must be text strings"_s);
        }
        QByteArrayView key;
        bool inScratch = false;
        if (!readText(&key, &inScratch))
            return false;
        if (top && (key == "t" || key == "id")) {
            bool &once = key == "t" ? seenType : seenId;
            if (std::exchange(once, true))
                return fail(WireError::BadFrame, u"duplicate key %1 in a map"_s.arg(printable(key)));
            if (!walkTypeOrId(key))
                return false;
            continue;
        }
        qsizetype index = -1;
        for (qsizetype i = 0; i < fields.size; ++i) {
            if (equals(key, fields.data[i].key)) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            if (!undefinedKeys)
                undefinedKeys = std::make_unique<KeySet>();
            if (inScratch) {
                m_ownedKeys.append(key.toByteArray());
                key = m_ownedKeys.constLast();
            }
            if (!undefinedKeys->insert(key))
                return fail(WireError::BadFrame, u"duplicate key %1 in a map"_s.arg(printable(key)));
            const PathNode node(path, key);
            noteField(&node, top ? u"not defined for %1"_s.arg(top->type) : u"not defined"_s);
            if (!scan(depth + 1, false))
                return false;
            continue;
        }
        const quint64 bit = quint64(1) << index;
        if (seen & bit)
            return fail(WireError::BadFrame, u"duplicate key %1 in a map"_s.arg(printable(key)));
        seen |= bit;
        const PathNode node(path, fields.data[index].key);
        if (!walkValue(fields.data[index].spec, &node, depth + 1, nullptr))
            return false;
    }
    if (r.lastError() != QCborError::NoError || !r.leaveContainer())
        return malformed();
    for (qsizetype i = 0; i < fields.size; ++i) {
        if (fields.data[i].required && !(seen & (quint64(1) << i))) {
            const PathNode node(path, fields.data[i].key);
            noteField(&node, u"missing"_s);
        }
    }
    return true;
}

// One value (at nesting level `depth`) against its spec.
bool Decoder::walkValue(const Spec &spec, const PathNode *path, int depth, Item *item)
{
    QCborStreamReader &r = m_reader;
    if (!hasKind(r, spec.kind)) {
        if (r.lastError() != QCborError::NoError || r.isInvalid())
            return malformed();
        noteField(path, expectedKind(spec.kind));
        return scan(depth, false);
    }

    switch (spec.kind) {
    case Kind::Uint: {
        const quint64 v = r.toUnsignedInteger();
        if (v < spec.min || v > spec.max)
            noteField(path, numberRange(spec.min, spec.max, QString()));
        if (item)
            item->number = v;
        return r.next() || malformed();
    }
    case Kind::Bool:
        return r.next() || malformed();
    case Kind::Bytes: {
        quint64 length = 0;
        if (!stringLength(&length))
            return malformed();
        if (length < spec.min || length > spec.max)
            noteField(path, numberRange(spec.min, spec.max, u"bytes"_s));
        return true;
    }
    case Kind::Text:
        return walkText(spec, path, item);
    case Kind::Array:
        return walkArray(spec, path, depth);
    case Kind::Map:
        return walkMap(spec.fields, path, depth, nullptr);
    }
    return malformed();
}

// A text value: length in bytes, then the spec's own check (a user name, a device name...).
bool Decoder::walkText(const Spec &spec, const PathNode *path, Item *item)
{
    QByteArrayView s;
    bool inScratch = false;
    if (!readText(&s, &inScratch))
        return false;
    if (quint64(s.size()) < spec.min || quint64(s.size()) > spec.max)
        noteField(path, numberRange(spec.min, spec.max, u"bytes of text"_s));
    else if (spec.check && !spec.check(s))
        noteField(path, u"expected %1"_s.arg(QLatin1StringView(spec.checkWhat)));
    if (item) {
        item->text = s;
        item->textInScratch = inScratch;
    }
    return true;
}

// An array: the element count, each element against the element spec, and for an `ascending` spec the order.
bool Decoder::walkArray(const Spec &spec, const PathNode *path, int depth)
{
    QCborStreamReader &r = m_reader;
    if (depth > MaxNestingDepth)
        return nestedTooDeep();
    if (!r.enterContainer())
        return malformed();
    const Spec &element = *spec.element;
    const bool ordered = spec.ascending;
    Item previous;
    Item current;
    QByteArray previousCopy;   // a chunked previous element outlives m_scratch
    quint64 count = 0;
    while (r.hasNext()) {
        if (count == spec.max)
            noteField(path, numberRange(spec.min, spec.max, u"elements"_s));
        const PathNode node(path, qsizetype(count));
        current = Item();
        if (!walkValue(element, &node, depth + 1, ordered ? &current : nullptr))
            return false;
        if (ordered) {
            const bool after = element.kind == Kind::Text ? compareBytes(previous.text, current.text) < 0
                                                          : previous.number < current.number;
            if (count > 0 && !after)
                noteField(&node, u"must come after the previous element (ascending, no duplicates)"_s);
            previous = current;
            if (current.textInScratch) {
                previousCopy = current.text.toByteArray();
                previous.text = previousCopy;
            }
        }
        ++count;
    }
    if (r.lastError() != QCborError::NoError || !r.leaveContainer())
        return malformed();
    if (count < spec.min)
        noteField(path, numberRange(spec.min, spec.max, u"elements"_s));
    return true;
}

DecodeResult Decoder::run()
{
    const qsizetype limit = m_direction == Direction::ClientToServer ? MaxClientFrameBytes : MaxServerFrameBytes;
    if (m_data.size() > limit) {
        return FrameError{WireError::TooLarge,
                          u"frame of %1 bytes exceeds the limit of %2 bytes"_s.arg(m_data.size()).arg(limit)};
    }
    if (m_data.isEmpty())
        return FrameError{WireError::BadFrame, u"empty frame"_s};

    const FrameSchema *schema = peekType();
    m_reader.reset();
    if (!schema) {
        // "t" is not first, or not a known type: the whole structure first, which also finds "t" and "id".
        if (m_reader.lastError() != QCborError::NoError || m_reader.isInvalid()) {
            malformed();
            return m_error;
        }
        if (!m_reader.isMap())
            return refuse(WireError::BadFrame, u"a frame must be a CBOR map"_s);
        if (!scan(1, true))
            return m_error;
        switch (m_typeState) {
        case TypeState::Missing:
            return refuse(WireError::UnknownType, u"frame has no type (\"t\")"_s);
        case TypeState::NotText:
            return refuse(WireError::UnknownType, u"frame type (\"t\") must be a text string"_s);
        case TypeState::Text:
            schema = schema::find(m_direction, m_type);
            if (!schema)
                return refuse(WireError::UnknownType, u"unknown frame type %1 for this direction"_s.arg(printable(m_type)));
            break;
        }
        m_reader.reset();
    }

    // The validating walk: structure and schema together.
    if (!walkMap(schema->fields, nullptr, 1, schema))
        return m_error;
    if (m_reader.lastError() != QCborError::NoError)
        return refuse(WireError::BadFrame, u"not well-formed CBOR"_s);
    if (m_reader.currentOffset() != m_data.size())
        return refuse(WireError::BadFrame, u"trailing bytes after the frame"_s);

    const QString idMessage = [&] {
        if (m_idState == IdState::Missing)
            return schema->id == IdRule::Required ? u"missing"_s : QString();
        if (schema->id == IdRule::Absent)
            return u"not defined for %1"_s.arg(schema->type);
        if (m_idState == IdState::Other)
            return u"expected an unsigned integer"_s;
        if (m_id < 1 || m_id > MaxRequestId)
            return numberRange(1, MaxRequestId, QString());
        return QString();
    }();
    if (!idMessage.isEmpty())
        return refuse(WireError::BadField, u"id: "_s + idMessage);
    if (!m_fieldError.isEmpty())
        return refuse(WireError::BadField, m_fieldError);

    // Build the value tree.
    m_reader.reset();
    QCborValue value = QCborValue::fromCbor(m_reader);
    if (m_reader.lastError() != QCborError::NoError || !value.isMap())
        return refuse(WireError::BadFrame, u"not well-formed CBOR"_s);
    QCborMap fields = value.toMap();
    value = QCborValue();   // sole owner now: the removals below do not copy
    fields.remove("t"_L1);
    fields.remove("id"_L1);
    return Frame(typeName(schema), readableId(), std::move(fields));
}

} // namespace

DecodeResult decode(QByteArrayView data, Direction direction)
{
    Decoder decoder(data, direction);
    return decoder.run();
}

QStringList frameTypes(Direction direction)
{
    QStringList out;
    for (const FrameSchema *f = schema::begin(); f != schema::end(); ++f) {
        if (f->direction == direction)
            out.append(typeName(f));
    }
    return out;
}

} // namespace parley::protocol
