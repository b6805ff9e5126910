#include "fielderrors.h"

#include "protocol/adminprotocol.h"

#include <QFormLayout>
#include <QLabel>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace parley::admin {

FieldErrors::FieldErrors(QObject *parent) : QObject(parent)
{
}

FieldErrors::~FieldErrors() = default;

QLabel *FieldErrors::addRow(QFormLayout *form, const QString &label, QWidget *field, const QStringList &keys)
{
    if (label.isEmpty())
        form->addRow(field);
    else
        form->addRow(label, field);
    return addLine(form, field, keys);
}

QLabel *FieldErrors::addLine(QFormLayout *form, QWidget *field, const QStringList &keys)
{
    auto *line = new QLabel(form->parentWidget());
    line->setObjectName(u"error_"_s + keys.value(0));
    line->setWordWrap(true);
    line->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    markError(line, true);
    form->addRow(QString(), line);
    form->setRowVisible(line, false);
    m_lines.append({form, field, line});
    for (const QString &key : keys)
        m_byKey.insert(key, m_lines.size() - 1);
    return line;
}

void FieldErrors::clear()
{
    for (const Line &line : std::as_const(m_lines)) {
        if (line.form && line.label) {
            line.label->clear();
            line.form->setRowVisible(line.label, false);
        }
        if (line.field)
            line.field->setAccessibleDescription(QString());
    }
}

bool FieldErrors::show(const QString &key, const QString &text)
{
    const auto it = m_byKey.constFind(key);
    if (it == m_byKey.cend())
        return false;
    const Line &line = m_lines.at(*it);
    if (!line.form || !line.label)
        return false;
    line.label->setText(text);
    line.form->setRowVisible(line.label, true);
    if (line.field) {
        line.field->setAccessibleDescription(text);
        line.field->setFocus(Qt::OtherFocusReason);
    }
    return true;
}

bool FieldErrors::showRefusal(const AdminClient::Reply &reply)
{
    if (reply.ok || reply.error != protocol::admin::errors::InvalidArgument)
        return false;
    const auto [key, text] = split(reply.message);
    return !key.isEmpty() && show(key, text);
}

QString FieldErrors::shown(const QString &key) const
{
    const auto it = m_byKey.constFind(key);
    if (it == m_byKey.cend())
        return {};
    const Line &line = m_lines.at(*it);
    return line.form && line.label && line.form->isRowVisible(line.label) ? line.label->text() : QString();
}

void FieldErrors::markError(QLabel *label, bool error)
{
    if (!error) {
        label->setPalette(QPalette());
        return;
    }
    // A red that reads on light and on dark window colours.
    const bool dark = label->palette().color(QPalette::Window).lightness() < 128;
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb7, 0x1c, 0x1c));
    label->setPalette(palette);
}

std::pair<QString, QString> FieldErrors::split(const QString &message)
{
    static const QRegularExpression re(u"^([a-z][a-z0-9_]*): (.+)$"_s, QRegularExpression::DotMatchesEverythingOption);
    const auto match = re.match(message);
    if (!match.hasMatch())
        return {QString(), message};
    return {match.captured(1), match.captured(2)};
}

} // namespace parley::admin
