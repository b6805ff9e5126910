#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace parley::server {

// A directory group whose members should be in a Parley room (docs/operations.md "Directory": the sync reports the
// differences; room admins' devices make the changes, since the server cannot sign a room's records).
struct DirectoryRoomMapping {
    QString group;      // the group's name attribute value, or its DN
    QString room;
    bool operator==(const DirectoryRoomMapping &) const = default;
};

// The directory the sync reads (managed setting `directory`, set through the admin API's directory.set). Never holds
// the bind password: that is a file, either one the administrator names on the server host or one the server wrote
// under DATA_DIR/directory/ from a password set through the API.
struct DirectoryConfig {
    static constexpr int MinIntervalSeconds = 10;
    static constexpr int MaxIntervalSeconds = 7 * 24 * 3600;
    static constexpr qint64 DefaultGraceSeconds = 7 * 24 * 3600;
    static constexpr qint64 MaxGraceSeconds = 366 * 24 * 3600;
    static constexpr int DefaultPageSize = 500;
    static constexpr int MaxPageSize = 1000;
    static constexpr int DefaultValidHours = 168;
    static constexpr int MaxValidHours = 24 * 366;
    static constexpr int MaxRooms = 64;
    static constexpr int MaxPasswordBytes = 1024;

    QString url;                  // ldaps://HOST[:PORT], or ldap://HOST[:PORT] with startTls
    bool startTls = false;
    QString caCertificate;        // PEM: the CA (or CAs) the directory server's certificate must chain to
    QString bindDn;               // empty: anonymous bind
    QString passwordFile;         // an absolute path on the server host, read at every sync; or
    QString storedPassword;       // a file under DATA_DIR/directory/ holding a password set through the API
    QString baseDn;
    QString userFilter = QStringLiteral("(objectClass=person)");
    QString groupFilter;          // empty: groups are not read
    QString nameAttribute = QStringLiteral("uid");
    QString displayNameAttribute = QStringLiteral("displayName");
    QString disabledAttribute;    // empty: no entry counts as disabled
    QString disabledValue;        // the entry is disabled when the attribute has this value (any case); or
    quint64 disabledBit = 0;      // when one of these bits is set in the attribute's integer value (AD's
                                  // userAccountControl: 2); with neither, when the attribute is present at all
    QString groupNameAttribute = QStringLiteral("cn");
    QString memberAttribute = QStringLiteral("member");   // values are member DNs (member) or user names (memberUid)
    QList<DirectoryRoomMapping> rooms;
    int intervalSeconds = 0;      // 0: only on demand (directory.sync)
    qint64 graceSeconds = DefaultGraceSeconds;
    int pageSize = DefaultPageSize;
    int validHours = DefaultValidHours;   // of the enrollment codes the sync issues
    qint64 updatedAt = 0;

    bool ldaps() const;
    QString host() const;
    int port() const;
    bool hasPassword() const { return !passwordFile.isEmpty() || !storedPassword.isEmpty(); }

    // Empty when `url` with `startTls` can be used; otherwise why not (ldap:// without StartTLS never can).
    static QString checkUrl(const QString &url, bool startTls);
    // Empty when the configuration can be used; otherwise "field: problem" for the first problem.
    QString check() const;
    // "GROUP=ROOM" (split at the last '=': DNs hold '=' and room names cannot).
    static std::optional<DirectoryRoomMapping> parseRoom(const QString &text);

    // The managed setting's value (JSON) and back; a value this code did not write is none.
    QString encode() const;
    static std::optional<DirectoryConfig> decode(const QString &value);

    bool operator==(const DirectoryConfig &) const = default;
};

} // namespace parley::server
