#pragma once

#include "adminclient.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QFormLayout;
class QLabel;
class QWidget;

namespace parley::admin {

// Refusals shown beside the field they are about. The admin API's invalid_argument messages begin with the argument
// they name ("url: expected ldaps://HOST[:PORT] …", docs/admin-api.md); a form adds each field with the arguments it
// answers for, and a refusal that names one of them appears in a line under that field, which gets the focus. The
// page's own checks use the same lines, so that every problem with an entry is shown where it is made.
class FieldErrors : public QObject {
    Q_OBJECT
public:
    explicit FieldErrors(QObject *parent = nullptr);
    ~FieldErrors() override;

    // Adds the row `label` `field` to `form`, and under it a hidden error line for the arguments `keys` (the first
    // names the line: objectName "error_KEY"). `label` may be empty.
    QLabel *addRow(QFormLayout *form, const QString &label, QWidget *field, const QStringList &keys);
    // An error line of a field that is laid out otherwise.
    QLabel *addLine(QFormLayout *form, QWidget *field, const QStringList &keys);

    // Hides every error line.
    void clear();
    // Shows `text` under the field for `key` and focuses the field; false when no field answers for `key`.
    bool show(const QString &key, const QString &text);
    // An invalid_argument refusal whose message names a field's argument: shown there (true). Anything else: false.
    bool showRefusal(const AdminClient::Reply &reply);
    // The text of the error line for `key` while it is shown; empty otherwise.
    QString shown(const QString &key) const;

    // Gives `label` the colour of an error line (red, readable on light and dark windows), or its palette's own.
    static void markError(QLabel *label, bool error);

    // "KEY: text" split into KEY and text; KEY empty when the message does not start with an argument's name.
    static std::pair<QString, QString> split(const QString &message);

private:
    struct Line {
        QPointer<QFormLayout> form;
        QPointer<QWidget> field;
        QPointer<QLabel> label;
    };
    QList<Line> m_lines;
    QHash<QString, qsizetype> m_byKey;
};

} // namespace parley::admin
