#pragma once

// Helpers the room tests share: waiting for an sdk::Rooms callback, and looking for a message in a device's inbox.

#include "harness.h"

#include "sdk/rooms.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTest>

#include <algorithm>
#include <functional>
#include <optional>

namespace parley::e2e {

// Starts an sdk::Rooms call with a context object and waits up to WaitMs for its callback; nullopt on timeout.
template<typename T>
std::optional<Result<T>> await(const std::function<void(QObject *, sdk::Rooms::Callback<T>)> &start)
{
    std::optional<Result<T>> out;
    QObject context;
    start(&context, [&out](Result<T> r) { out.emplace(std::move(r)); });
    QElapsedTimer timer;
    timer.start();
    while (!out && timer.elapsed() < WaitMs)
        QTest::qWait(5);
    return out;
}

inline const sdk::IncomingMessage *findText(const Device &d, const QString &text)
{
    const auto it = std::find_if(d.inbox.cbegin(), d.inbox.cend(),
                                 [&text](const sdk::IncomingMessage &m) { return m.text == text; });
    return it == d.inbox.cend() ? nullptr : &*it;
}

inline bool hasText(const Device &d, const QString &text)
{
    return findText(d, text) != nullptr;
}

} // namespace parley::e2e
