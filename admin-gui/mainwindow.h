#pragma once

#include <QMainWindow>

#include <memory>

namespace parley::admin {

class AdminClient;
class ConnectDialog;
class Page;
class PasswordChangeDialog;

// The administration window: a list of functions on the left, each with its icon, one page per function. Owns the flow around it:
// the connect dialog first, then the forced password change when the account still has its one-time password
// (the window stays hidden until both are done), then the pages.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Shows the connect dialog.
    void start();

    AdminClient *client() const;
    ConnectDialog *connectDialog() const;
    // The open password change dialog, if any.
    PasswordChangeDialog *passwordDialog() const;
    QList<Page *> pages() const;
    Page *page(const QString &objectName) const;
    void showPage(Page *page);

Q_SIGNALS:
    void ready();

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
