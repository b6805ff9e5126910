#pragma once

#include "admin/admincontext.h"

#include <QCborArray>
#include <QCborMap>
#include <QHash>
#include <QSslCertificate>

#include <array>
#include <deque>
#include <functional>
#include <optional>

namespace parley::server {

// status' warnings (docs/admin-api.md "Warnings"): the conditions that need an administrator, each a map of `code`,
// `severity` (`warning` or `critical`), `message` (one English sentence: what is wrong and what to do), `since` (ms,
// when it was first seen) and the details of its code. Evaluated on the main thread at every sample of the history
// and at every status call; a condition that clears is forgotten, and when it comes back its `since` starts again.
class StatusWarnings {
public:
    struct Sources {
        // The admin listener's own certificate; a null one when it uses the device listener's.
        std::function<QSslCertificate()> adminCertificate;
        // The last directory sync's report ("outcome", "error", "at"), while a directory is configured.
        std::function<std::optional<QCborMap>()> directorySync;
    };

    static constexpr int CertificateWarningDays = 30;
    static constexpr int CertificateCriticalDays = 7;
    static constexpr int DiskWarningPercent = 10;
    static constexpr quint64 DiskWarningBytes = quint64(2) << 30;
    static constexpr int DiskCriticalPercent = 3;
    static constexpr quint64 DiskCriticalBytes = quint64(512) << 20;
    static constexpr qint64 PushWindowMs = 15 * 60 * 1000;

    StatusWarnings(AdminContext &ctx, Sources sources);

    // The warnings in force now, critical ones first, then the oldest first.
    QCborArray evaluate();

private:
    struct Found {
        QString key;          // the condition: its code and what it is about (a listener, a provider, a thread)
        QString code;
        bool critical = false;
        QString message;
        QCborMap details;
    };
    using PushCounts = std::array<std::array<quint64, 5>, 3>;   // PushMetrics::outcomes
    struct PushReading {
        qint64 at = 0;
        PushCounts counts{};
    };

    void certificate(QList<Found> &out, const QString &listener, const QSslCertificate &certificate, qint64 now) const;
    void disk(QList<Found> &out) const;
    void push(QList<Found> &out, qint64 now);
    void storage(QList<Found> &out) const;
    void stalls(QList<Found> &out) const;
    void directory(QList<Found> &out) const;

    AdminContext &m_ctx;
    Sources m_sources;
    QHash<QString, qint64> m_since;
    std::deque<PushReading> m_pushReadings;   // a few seconds apart, back to one at least PushWindowMs old
};

} // namespace parley::server
