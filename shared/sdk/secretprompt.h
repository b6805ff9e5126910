#pragma once

// A secret (password, passphrase) typed on a terminal with echo off, for the command-line tools.

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QString>

namespace parley {

class PARLEY_EXPORT SecretPrompt {
public:
    enum class Terminal {
        Controlling,     // /dev/tty: standard input may carry data (parley)
        StandardInput,   // standard input, only when it is a terminal; the prompt goes to standard error (parleyctl)
    };

    static constexpr qsizetype MaxBytes = 4096;

    // One line without its line break, at most MaxBytes. Errors: no terminal to ask on (Unavailable, the caller
    // names its alternatives), nothing entered (InvalidArgument), the terminal cannot be written (Io).
    static Result<QByteArray> ask(const QString &prompt, Terminal terminal);
    // The first line of a file (without the line break), at most MaxBytes; an empty line is an error.
    static Result<QByteArray> firstLine(const QString &file);
};

} // namespace parley
