#pragma once

#include "adminclient.h"

#include <QWidget>

#include <functional>
#include <initializer_list>

class QAbstractItemView;
class QHBoxLayout;
class QLineEdit;
class QTableView;

namespace parley::admin {

// The look of every record table: whole rows selected, no row numbers, one line per row, columns as wide as their
// contents and the last one taking the rest. Selection mode and sorting stay the caller's.
void setUpRecordTable(QTableView *view);
// A line edit of a form with its object name, accessible name and placeholder text.
QLineEdit *formLineEdit(QWidget *parent, const QString &objectName, const QString &accessibleName,
                        const QString &placeholder = {});
// Selects the row whose first column shows `text`; false when there is none.
bool selectRecordRow(QTableView *view, const QString &text);
// A row of buttons (or other widgets) from the left, in this order, ended by a stretch; the caller adds it to a layout.
QHBoxLayout *buttonRow(std::initializer_list<QWidget *> widgets);

// One function of the main window (Dashboard, Users, ...). refresh() loads its data from the server; pages poll
// only while visible.
class Page : public QWidget {
    Q_OBJECT
public:
    explicit Page(AdminClient *client, QWidget *parent = nullptr);
    ~Page() override;

    virtual QString title() const = 0;
    virtual void refresh() = 0;

Q_SIGNALS:
    // A line for the status bar; `error` for failures.
    void message(const QString &text, bool error);

protected:
    AdminClient *client() const { return m_client; }
    // Calls the server; on success runs `done`, on failure reports the error in words through message().
    void request(const QString &call, const QCborMap &args, std::function<void(const QCborMap &)> done);
    // The same, and on failure `refused` sees the reply first (to show a refusal beside the field it names) before
    // the error goes to the status bar. `timeoutMs` > 0: a time limit of the call's own.
    void request(const QString &call, const QCborMap &args, std::function<void(const QCborMap &)> done,
                 std::function<void(const AdminClient::Reply &)> refused, int timeoutMs = 0);
    // Asks a yes/no question without a nested event loop; `yes` runs on confirmation.
    void confirm(const QString &question, std::function<void()> yes);
    // Lets the user pick a file without a nested event loop.
    void chooseOpenFile(const QString &caption, const QString &filter, std::function<void(const QString &)> chosen);
    void chooseSaveFile(const QString &caption, const QString &suggested, const QString &filter,
                        std::function<void(const QString &)> chosen);
    // Writes `data` to `path` and reports the outcome.
    bool saveData(const QString &path, const QByteArray &data);

private:
    AdminClient *m_client = nullptr;
};

} // namespace parley::admin
