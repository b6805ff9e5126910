#pragma once

// Template members of Store (included by store.h).

#include <QMetaObject>
#include <QPointer>

#include <exception>
#include <future>
#include <optional>
#include <utility>

namespace parley::server {

template<typename T>
Result<T> Store::runOperation(Db &db, const std::function<Result<T>(Db &)> &op)
{
    if (Status begun = db.beginOperation(); !begun)
        return begun.error();
    std::optional<Result<T>> result;
    try {
        result.emplace(op(db));
    } catch (const std::exception &e) {
        result.emplace(makeError(ErrorCode::Internal,
                                 QStringLiteral("storage operation failed: %1").arg(QString::fromLocal8Bit(e.what()))));
    } catch (...) {
        result.emplace(makeError(ErrorCode::Internal, QStringLiteral("storage operation failed")));
    }
    db.endOperation(result->ok());
    return std::move(*result);
}

template<typename T>
Store::Job Store::makeJob(QObject *context, std::function<Result<T>(Db &)> op, std::function<void(Result<T>)> done)
{
    QPointer<QObject> guard(context);
    return Job([guard, op = std::move(op), done = std::move(done), result = std::optional<Result<T>>()](
                Db *db, const Error *commitError, bool afterCommit) mutable {
        if (!afterCommit) {
            result.emplace(op ? runOperation<T>(*db, op)
                              : Result<T>(makeError(ErrorCode::InvalidArgument, QStringLiteral("empty storage operation"))));
            return;
        }
        if (!done)
            return;
        Result<T> outcome = commitError ? Result<T>(*commitError)
                          : result     ? std::move(*result)
                                       : Result<T>(makeError(ErrorCode::Internal, QStringLiteral("operation did not run")));
        QObject *target = guard.data();
        if (!target)
            return;   // the context is gone: nobody to tell
        QMetaObject::invokeMethod(
            target,
            [guard, done = std::move(done), outcome = std::move(outcome)]() mutable {
                if (guard)
                    done(std::move(outcome));
            },
            Qt::QueuedConnection);
    });
}

template<typename T>
void Store::write(QObject *context, std::function<Result<T>(Db &)> op, std::function<void(Result<T>)> done)
{
    enqueue(makeJob<T>(context, std::move(op), std::move(done)));
}

template<typename T>
bool Store::tryWrite(QObject *context, std::function<Result<T>(Db &)> op, std::function<void(Result<T>)> done)
{
    return enqueue(makeJob<T>(context, std::move(op), std::move(done)), true);
}

template<typename T>
Result<T> Store::writeSync(std::function<Result<T>(Db &)> op)
{
    if (isWriterThread())
        return makeError(ErrorCode::Internal, QStringLiteral("writeSync() called from inside a storage operation"));
    auto promise = std::make_shared<std::promise<Result<T>>>();
    std::future<Result<T>> future = promise->get_future();
    enqueue([promise, op = std::move(op), result = std::optional<Result<T>>()](
                Db *db, const Error *commitError, bool afterCommit) mutable {
        if (!afterCommit) {
            result.emplace(op ? runOperation<T>(*db, op)
                              : Result<T>(makeError(ErrorCode::InvalidArgument, QStringLiteral("empty storage operation"))));
            return;
        }
        if (commitError)
            promise->set_value(Result<T>(*commitError));
        else if (result)
            promise->set_value(std::move(*result));
        else
            promise->set_value(Result<T>(makeError(ErrorCode::Internal, QStringLiteral("operation did not run"))));
    });
    return future.get();
}

} // namespace parley::server
