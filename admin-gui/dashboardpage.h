#pragma once

#include "page.h"
#include "serverhistory.h"
#include "serverwarning.h"

#include <memory>

namespace parley::admin {

class HistoryChart;

// The server at a glance: what needs an administrator (status' warnings, each with a button to the page that
// deals with it), the figures of status (version, uptime, users, connected devices, queue depth, storage,
// certificate), and charts of status.history over the last 15 minutes, hour, 6 hours or day: connected devices,
// messages accepted and delivered per second, the queues, and the commit latency. Status is refreshed every 5 s and
// the history every 10 s (the server's interval), only while the page is visible; the history is fetched once in
// full and then only what is new (`since`), and kept for at most 24 hours.
//
// navigateTo(pageKey) asks the window to show another page, named by its objectName ("certificatesPage",
// "pushPage", "filesPage", "loggingPage", "directoryPage"); a warning offers the button only when the window has
// that page (a sibling in the same page stack).
class DashboardPage : public Page {
    Q_OBJECT
public:
    explicit DashboardPage(AdminClient *client, QWidget *parent = nullptr);
    ~DashboardPage() override;

    QString title() const override;
    void refresh() override;

    // What a reply of status.history does to the page: checked (ServerHistory::parse), merged, drawn. The polling
    // calls it with each reply.
    void applyHistory(const QCborMap &result);

    const ServerHistory &history() const;
    QList<ServerWarning> warnings() const;
    HistoryChart *chart(const QString &objectName) const;
    // The range shown, in ms (15 minutes, 1 hour, 6 hours or 24 hours).
    qint64 rangeMs() const;

Q_SIGNALS:
    void navigateTo(const QString &pageKey);
    // A reply of status, of status.history (whatever it was: samples, an error, an older server) was shown.
    void statusLoaded();
    void historyLoaded();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
