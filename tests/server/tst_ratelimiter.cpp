#include "relay/ratelimiter.h"
#include "relay/tokenbucket.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

class tst_RateLimiter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tokenBucket()
    {
        TokenBucket bucket(2.0, 3.0, 1000);   // 2 per second, burst 3
        QCOMPARE(bucket.take(1000), 0);
        QCOMPARE(bucket.take(1000), 0);
        QCOMPARE(bucket.take(1000), 0);
        const qint64 wait = bucket.take(1000);
        QCOMPARE(wait, 500);
        QCOMPARE(bucket.take(1499), 2);
        QCOMPARE(bucket.take(1500), 0);
        QVERIFY(!bucket.isFull(1500));
        QVERIFY(bucket.isFull(3000));
    }


    void rateLimiter()
    {
        RateLimiter limiter(1.0 / 60, 2);     // burst 2, one back per minute
        const RateLimiter::Key a{1, 2};
        const RateLimiter::Key b{1, 3};
        QCOMPARE(limiter.take(a, 0), 0);
        QCOMPARE(limiter.takeAll({a, b}, 0), 0);
        // a is empty now: taking a and b together takes neither.
        QVERIFY(limiter.takeAll({a, b}, 0) > 0);
        QCOMPARE(limiter.take(b, 0), 0);
        QVERIFY(limiter.take(b, 0) > 0);
        QCOMPARE(limiter.take(a, 60000), 0);
        QCOMPARE(limiter.size(), 2);
        limiter.prune(10 * 60000);
        QCOMPARE(limiter.size(), 0);
    }

    // Each bot's bucket has the bot's own limits (the limiter's are unused); new limits keep what was taken and no
    // more than the new burst.
    void perKeyLimits()
    {
        RateLimiter limiter(1000, 1000);
        const RateLimiter::Key slow{7, 0};
        const RateLimiter::Key fast{8, 0};
        for (int i = 0; i < 3; ++i)
            QCOMPARE(limiter.takeWithLimits(slow, 0, 1, 3), 0);
        QCOMPARE(limiter.takeWithLimits(slow, 0, 1, 3), 1000);          // 1 per second after a burst of 3
        for (int i = 0; i < 10; ++i)
            QCOMPARE(limiter.takeWithLimits(fast, 0, 5, 10), 0);
        QCOMPARE(limiter.takeWithLimits(fast, 0, 5, 10), 200);
        QCOMPARE(limiter.takeWithLimits(slow, 1000, 1, 3), 0);          // one came back
        QCOMPARE(limiter.takeWithLimits(slow, 1000, 2, 3), 500);        // raised rate: nothing given back at once
        QCOMPARE(limiter.takeWithLimits(slow, 1500, 2, 3), 0);
        QCOMPARE(limiter.takeWithLimits(fast, 60000, 5, 2), 0);        // lowered burst: 2 left of the 10
        QCOMPARE(limiter.takeWithLimits(fast, 60000, 5, 2), 0);
        QVERIFY(limiter.takeWithLimits(fast, 60000, 5, 2) > 0);
        limiter.prune(10 * 60000);
        QCOMPARE(limiter.size(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_RateLimiter)
#include "tst_ratelimiter.moc"
