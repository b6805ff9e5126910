#pragma once

#include <QCborMap>
#include <QCborValue>
#include <QCoreApplication>
#include <QList>
#include <QString>

namespace parley::admin {

// One entry of the `warnings` of status (docs/admin-api.md): something on the server that needs an administrator.
// The server's `message` is English; for the codes it knows, parley-admin says it in the user interface's language
// from the entry's detail fields, and names the page where it is dealt with.
struct ServerWarning {
    Q_DECLARE_TR_FUNCTIONS(ServerWarning)
public:
    QString code;
    bool critical = false;     // severity `critical`; anything else is a warning
    QString message;           // the server's own sentence
    qint64 since = 0;          // ms since the epoch; 0 when not given
    QCborMap fields;           // the whole entry, for the detail fields

    // The warnings of a status reply; an absent list (an older server) is none. Entries without a code and a
    // message are left out; an unknown severity counts as a warning.
    static QList<ServerWarning> fromStatus(const QCborMap &status);

    // The warning in words: the translated sentence of a known code with its details, otherwise (an unknown code,
    // or details missing or of the wrong type) the server's message.
    QString text() const;
    // The objectName of the page that deals with it ("certificatesPage", "pushPage", ...); empty when none.
    QString pageKey() const;

    bool operator==(const ServerWarning &other) const;
};

} // namespace parley::admin
