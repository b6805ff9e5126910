#pragma once

// Where the passphrase of a profile comes from: --passphrase-file, else $PARLEY_PASSPHRASE, else a prompt on the
// controlling terminal with echo off.

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace parley::cli {

class Passphrase {
public:
    // `file` empty: not given. `confirm`: prompt twice (a new profile) when prompting.
    static Result<QByteArray> obtain(const QString &file, const QString &prompt, bool confirm);
    // Reads the first line of a file (without the line break).
    static Result<QByteArray> fromFile(const QString &file);

private:
    static Result<QByteArray> prompt(const QString &text);
};

} // namespace parley::cli
