// parleyd's boot configuration (server/daemon/config.cpp with its [push] part, server/push/pushconfig.cpp): the
// INI file Config::load() reads at start-up, through QSettings. Each input is written to the same file and loaded.
// QSettings keeps a parsed file in a cache and reads it again only when its size or modification time changed, so
// every input gets a modification time of its own (a file per input would grow the cache, and libFuzzer would run
// its leak check after every input).
// Invariants: a file that loads gives a configuration that keeps the documented rules: a listen address and URL,
// workers 1..256, admin certificate and key together, a client CA when client certificates are required, push
// retries that do not shrink.

#include "fuzzsupport.h"

#include "daemon/config.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QUrl>

#include <cstddef>
#include <cstdint>

using namespace parley;
using namespace parley::server;

namespace {

// Removed with its files when the run ends.
QTemporaryDir &directory()
{
    static QTemporaryDir dir;
    return dir;
}
QString path;
qint64 counter = 0;

void checkLoaded(const Config &config)
{
    FUZZ_CHECK(!config.listenAddress.isNull());
    const QUrl url(config.listenUrl(config.listenPort));
    FUZZ_CHECK(url.isValid() && url.scheme() == QLatin1StringView("wss"));
    FUZZ_CHECK(config.workers >= 1 && config.workers <= 256);
    FUZZ_CHECK(config.admin.certificatePath.isEmpty() == config.admin.privateKeyPath.isEmpty());
    FUZZ_CHECK(!config.admin.requireClientCertificate || !config.admin.clientCaPath.isEmpty());
    FUZZ_CHECK(config.push.retryMaxMs >= config.push.retryBaseMs);
    FUZZ_CHECK(config.dataDir.startsWith(QLatin1Char('/')));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietLogging();
    if (!directory().isValid())
        fuzz::setupFailed(QStringLiteral("no temporary directory"));
    path = directory().filePath(QStringLiteral("parleyd.conf"));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size)
            || !file.setFileTime(QDateTime::fromSecsSinceEpoch(++counter, Qt::UTC), QFileDevice::FileModificationTime))
            fuzz::setupFailed(QStringLiteral("cannot write %1").arg(path));
    }
    Result<Config> config = Config::load(path);
    if (config)
        checkLoaded(*config);
    return 0;
}
