#pragma once

// Attachments on the wire (docs/protocol.md "Attachments"): Upload encrypts a file (sdk/filecipher.h) and sends the
// ciphertext in chunks with `blob_put`, four on their way at a time, each acknowledged by the server once it is on
// its disk; Download fetches a blob with `blob_get`, decrypts and checks it while it streams, and makes the file
// appear in the target directory only when every byte checked out. Both are made by Client (upload(),
// download()) and run on its connection; both pick up where they stood when the client logs in again after the
// connection was lost, from the byte the server acknowledged (Upload) or the byte written (Download).
//
// An upload that must survive the process (the `parley` CLI, an application that quits) keeps resumeState(): with
// it a later Upload of the same unchanged file resumes the server's unfinished blob instead of starting again. The
// state holds the file's key: keep it as secret as the profile (the CLI keeps it in the profile, encrypted).

#include "core/result.h"
#include "parley_export.h"
#include "sdk/content.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

namespace parley::sdk {

class Connection;

struct PARLEY_EXPORT UploadOptions {
    QString name;           // the name the recipients see; default: the file's own name
    QString type;           // a media type, or empty
    QByteArray resumeState; // Upload::resumeState() of an earlier attempt at the same file, or empty
};

class PARLEY_EXPORT Upload : public QObject {
    Q_OBJECT
public:
    enum class Stage { Preparing, Uploading, Interrupted, Finished, Failed };
    Q_ENUM(Stage)

    static constexpr int MaxInFlight = 4;   // the server's blob I/O limit per connection

    Upload(Connection &connection, const QString &path, UploadOptions options, QObject *parent = nullptr);
    ~Upload() override;

    Stage stage() const;
    QString path() const;
    qint64 total() const;       // ciphertext bytes (0 while preparing)
    qint64 done() const;        // bytes the server acknowledged
    qint64 resumedAt() const;   // where the server stood when this upload began or last resumed
    // The file entry; complete (blob id included) once finished().
    const FileRef &file() const;
    // What a later Upload of the same file needs to resume (empty until the server named the blob).
    QByteArray resumeState() const;
    QString errorString() const;

    // Starts (Client::upload() does).
    void start();
    // Stops; a blob already started stays on the server until its unfinished-upload lifetime ends.
    void abort();

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void interrupted(const QString &reason);      // the connection closed; resumes after the next login
    void finished(const parley::sdk::FileRef &file);
    void failed(const QString &message);

private:
    class Private;
    const std::unique_ptr<Private> d;
};

class PARLEY_EXPORT Download : public QObject {
    Q_OBJECT
public:
    enum class Stage { Downloading, Interrupted, Finished, Failed };
    Q_ENUM(Stage)

    static constexpr int MaxInFlight = 2;

    Download(Connection &connection, const FileRef &file, const QString &directory, QObject *parent = nullptr);
    ~Download() override;

    Stage stage() const;
    const FileRef &file() const;
    qint64 total() const;       // ciphertext bytes
    qint64 done() const;        // ciphertext bytes received and checked
    // The saved file's path, once finished().
    QString savedPath() const;
    QString errorString() const;

    // The name a file entry's name becomes on disk: its last path component, without control characters, not
    // hidden and not "." or "..", at most 255 bytes; "attachment" when nothing is left.
    static QString safeFileName(const QString &name);

    void start();
    void abort();

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void interrupted(const QString &reason);
    void finished(const QString &path);
    // A failed download leaves nothing in the directory. `message` says why: the blob is gone or not readable by
    // this device (not_found), a damaged or substituted attachment ("integrity: ..."), or a local file error.
    void failed(const QString &message);

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
