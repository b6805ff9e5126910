#include "trustcommand.h"

#include "session.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace parley::cli {

class TrustCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    Session &session;
};

TrustCommand::TrustCommand(Session &session) : d(std::make_unique<Private>(session)) {}

TrustCommand::~TrustCommand() = default;

std::optional<int> TrustCommand::start(const QStringList &args)
{
    Session &s = d->session;
    if (args.size() != 1 || !protocol::isValidUserName(args.first())) {
        s.fail(u"usage: parley trust USER"_s, ExitUsage);
        return std::nullopt;
    }
    if (!s.openProfile())
        return std::nullopt;
    const QString user = args.first();
    sdk::Profile &profile = s.profile();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!profile.trust().supersede(user, now)) {
        writeLine(stdout, u"no root key is pinned for %1"_s.arg(user));
        s.finish(ExitOk);
        return std::nullopt;
    }
    if (Status st = profile.saveTrust(); !st) {
        s.fail(st.error().message);
        return std::nullopt;
    }
    profile.prekeyCache().removeUser(user);
    if (Status st = profile.savePrekeyCache(); !st) {
        s.fail(st.error().message);
        return std::nullopt;
    }
    writeLine(stdout, u"forgot the pinned root key of %1; the next one seen will be pinned"_s.arg(user));
    // The old key is kept unless it was first seen replaced longer ago than a previous key is kept at all.
    const QList<sdk::TrustStore::PreviousIdentity> previous = profile.trust().previous(user, now);
    if (!previous.isEmpty())
        writeLine(stdout, u"messages its devices sent until %1 stay readable, marked as from a previous key of %2, "
                          u"for %3 days"_s
                              .arg(QDateTime::fromMSecsSinceEpoch(previous.first().supersededAt)
                                       .toString(u"yyyy-MM-dd HH:mm:ss"_s),
                                   user)
                              .arg(sdk::TrustStore::PreviousLifetimeMs / (24 * 3600 * 1000)));
    s.finish(ExitOk);
    return std::nullopt;
}

} // namespace parley::cli
