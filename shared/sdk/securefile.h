#pragma once

// Private files of a client profile: written atomically (QSaveFile), readable by the owner alone (0600).

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCborValue>
#include <QString>

namespace parley::sdk {

class PARLEY_EXPORT SecureFile {
public:
    // Writes `data` to a temporary file in the same directory with mode 0600 and renames it over `path`.
    static Status write(const QString &path, QByteArrayView data);
    // Reads a whole file, refusing anything larger than `maxBytes`. NotFound when the file does not exist.
    static Result<QByteArray> read(const QString &path, qsizetype maxBytes);
    // Creates `path` (and parents) if needed and sets it to 0700.
    static Status makePrivateDirectory(const QString &path);
    // Sets an existing file to 0600.
    static Status restrictFile(const QString &path);

    // Decodes exactly one CBOR item that spans all of `data` (no trailing bytes).
    static Result<QCborValue> decodeCbor(QByteArrayView data);
};

} // namespace parley::sdk
