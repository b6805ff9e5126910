#pragma once

#include <QCborMap>
#include <QWidget>

#include <memory>

namespace parley::admin {

// A directory sync's report (directory.sync, or directory.show's last_sync): what it read, the changes it made or
// would make (name, action, reason), the entries it skipped and why, the users waiting for deletion, the rooms whose
// members differ from their groups', and the enrollment codes of the users it created, with their links, QR codes
// and a copy of them all.
class SyncReportView : public QWidget {
    Q_OBJECT
public:
    explicit SyncReportView(QWidget *parent = nullptr);
    ~SyncReportView() override;

    // `report` as the server sent it; `title` says which run it is.
    void showReport(const QCborMap &report, const QString &title);
    QCborMap report() const;
    // The action of a change in words ("create" → "create user").
    static QString actionText(const QString &action);

Q_SIGNALS:
    // A line for the status bar.
    void message(const QString &text, bool error);
    // "Save as CSV…": the page asks for the file.
    void saveCodes(const QByteArray &csv);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
