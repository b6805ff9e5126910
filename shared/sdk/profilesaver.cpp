#include "sdk/profilesaver.h"

#include "sdk/profile.h"

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {
constexpr int PrekeyCacheSaveDelayMs = 1000;
}

class ProfileSaver::Private {
public:
    Profile &profile;
    std::function<void(const QString &, const QString &)> reportError;
    QTimer cacheSaveTimer;
    bool keysDirty = false;
    bool receivedDirty = false;
    bool cacheDirty = false;

    Private(Profile &p, std::function<void(const QString &, const QString &)> report)
        : profile(p), reportError(std::move(report))
    {
    }

    void saveCache()
    {
        cacheSaveTimer.stop();
        if (Status s = profile.savePrekeyCache(); !s)
            reportError(u"io"_s, s.error().message);
        cacheDirty = false;
    }
};

ProfileSaver::ProfileSaver(Profile &profile, std::function<void(const QString &, const QString &)> reportError)
    : d(std::make_unique<Private>(profile, std::move(reportError)))
{
    d->cacheSaveTimer.setSingleShot(true);
    QObject::connect(&d->cacheSaveTimer, &QTimer::timeout, &d->cacheSaveTimer, [this] {
        if (d->cacheDirty)
            d->saveCache();
    });
}

ProfileSaver::~ProfileSaver() = default;

void ProfileSaver::keysChanged() { d->keysDirty = true; }
void ProfileSaver::receivedChanged() { d->receivedDirty = true; }
void ProfileSaver::keysSaved() { d->keysDirty = false; }

void ProfileSaver::prekeyCacheChanged() { d->cacheDirty = true; }

void ProfileSaver::savePrekeyCacheSoon()
{
    if (d->cacheDirty && !d->cacheSaveTimer.isActive())
        d->cacheSaveTimer.start(PrekeyCacheSaveDelayMs);
}

void ProfileSaver::persist()
{
    if (d->keysDirty) {
        if (Status s = d->profile.saveKeys(); !s)
            d->reportError(u"io"_s, s.error().message);
        d->keysDirty = false;
    }
    if (d->receivedDirty) {
        if (Status s = d->profile.saveReceived(); !s)
            d->reportError(u"io"_s, s.error().message);
        d->receivedDirty = false;
    }
    if (d->cacheDirty)
        d->saveCache();
}

} // namespace parley::sdk
