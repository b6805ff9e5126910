#include "mainwindow.h"

#include "adminclient.h"
#include "adminspage.h"
#include "appicon.h"
#include "auditpage.h"
#include "botspage.h"
#include "certificatespage.h"
#include "connectdialog.h"
#include "dashboardpage.h"
#include "directorypage.h"
#include "filespage.h"
#include "loggingpage.h"
#include "passwordchangedialog.h"
#include "proxypage.h"
#include "callspage.h"
#include "pushpage.h"
#include "roomspage.h"
#include "ssopage.h"
#include "userspage.h"

#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPointer>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>

using namespace Qt::StringLiterals;

namespace parley::admin {

struct MainWindow::Private {
    MainWindow *q = nullptr;
    AdminClient *client = nullptr;
    ConnectDialog *connectDialog = nullptr;
    QPointer<PasswordChangeDialog> passwordDialog;
    QListWidget *nav = nullptr;
    QStackedWidget *stack = nullptr;
    QList<Page *> pages;
    QStringList icons;
    QLabel *serverLabel = nullptr;
    bool loggedIn = false;

    void addPage(Page *page, const QString &icon)
    {
        pages << page;
        icons << icon;
        stack->addWidget(page);
        auto *item = new QListWidgetItem(pageIcon(icon, nav->palette()), page->title(), nav);
        item->setData(Qt::AccessibleTextRole, page->title());
        QObject::connect(page, &Page::message, q, [this](const QString &text, bool error) {
            q->statusBar()->showMessage(error ? MainWindow::tr("Error: %1").arg(text) : text, error ? 0 : 8000);
        });
    }

    // Again after the palette changed (a light or dark theme chosen while the app runs).
    void recolourIcons()
    {
        for (int row = 0; row < nav->count() && row < icons.size(); ++row)
            nav->item(row)->setIcon(pageIcon(icons.at(row), nav->palette()));
    }

    void showConnect()
    {
        loggedIn = false;
        q->hide();
        connectDialog->open();
    }

    void forcePasswordChange(const QString &current)
    {
        if (passwordDialog)
            return;
        q->hide();
        auto *dialog = new PasswordChangeDialog(client, true, current, nullptr);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        passwordDialog = dialog;
        QObject::connect(dialog, &PasswordChangeDialog::changed, q, [this] { showMain(); });
        QObject::connect(dialog, &PasswordChangeDialog::abandoned, q, [this] {
            client->disconnectFromServer();
            showConnect();
        });
        dialog->show();
    }

    void showMain()
    {
        loggedIn = true;
        serverLabel->setText(MainWindow::tr("%1 on %2").arg(connectDialog->adminName(), client->server()));
        q->setWindowTitle(MainWindow::tr("Parley administration – %1").arg(client->server()));
        q->show();
        if (nav->currentRow() < 0)
            nav->setCurrentRow(0);
        else if (Page *page = pages.value(nav->currentRow()))
            page->refresh();
        Q_EMIT q->ready();
    }

    void logout()
    {
        client->call(u"logout"_s, {}, q, [this](const AdminClient::Reply &) {
            client->disconnectFromServer();
            showConnect();
        });
    }

    void changeOwnPassword()
    {
        auto *dialog = new PasswordChangeDialog(client, false, QString(), q);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        passwordDialog = dialog;
        QObject::connect(dialog, &PasswordChangeDialog::changed, q,
                         [this] { q->statusBar()->showMessage(MainWindow::tr("Your password was changed."), 8000); });
        dialog->open();
    }
};

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("Parley administration"));
    setWindowIcon(applicationIcon());
    d->client = new AdminClient(this);
    d->connectDialog = new ConnectDialog(d->client, nullptr);
    d->connectDialog->setWindowIcon(windowIcon());

    d->nav = new QListWidget(this);
    d->nav->setObjectName(u"navigation"_s);
    d->nav->setAccessibleName(tr("Functions"));
    d->stack = new QStackedWidget(this);
    d->stack->setObjectName(u"pages"_s);
    d->nav->setIconSize(QSize(24, 24));
    d->addPage(new DashboardPage(d->client, d->stack), u"dashboard"_s);
    d->addPage(new UsersPage(d->client, d->stack), u"users"_s);
    d->addPage(new RoomsPage(d->client, d->stack), u"rooms"_s);
    d->addPage(new BotsPage(d->client, d->stack), u"bots"_s);
    d->addPage(new CertificatesPage(d->client, d->stack), u"certificates"_s);
    d->addPage(new LoggingPage(d->client, d->stack), u"logging"_s);
    d->addPage(new PushPage(d->client, d->stack), u"push"_s);
    d->addPage(new ProxyPage(d->client, d->stack), u"proxy"_s);
    d->addPage(new CallsPage(d->client, d->stack), u"calls"_s);
    d->addPage(new FilesPage(d->client, d->stack), u"files"_s);
    d->addPage(new DirectoryPage(d->client, d->stack), u"directory"_s);
    d->addPage(new SsoPage(d->client, d->stack), u"sso"_s);
    d->addPage(new AdminsPage(d->client, d->stack), u"admins"_s);
    d->addPage(new AuditPage(d->client, d->stack), u"audit"_s);
    // The dashboard's warnings lead to the page that deals with them.
    connect(qobject_cast<DashboardPage *>(page(u"dashboardPage"_s)), &DashboardPage::navigateTo, this,
            [this](const QString &key) { showPage(page(key)); });
    auto *splitter = new QSplitter(this);
    splitter->addWidget(d->nav);
    splitter->addWidget(d->stack);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({190, 810});
    splitter->setChildrenCollapsible(false);
    setCentralWidget(splitter);
    connect(d->nav, &QListWidget::currentRowChanged, d->stack, &QStackedWidget::setCurrentIndex);

    d->serverLabel = new QLabel(this);
    statusBar()->addPermanentWidget(d->serverLabel);

    QMenu *file = menuBar()->addMenu(tr("&Server"));
    QAction *changePassword = file->addAction(tr("Change my &password…"));
    connect(changePassword, &QAction::triggered, this, [this] { d->changeOwnPassword(); });
    QAction *refresh = file->addAction(tr("&Refresh"));
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, this, [this] {
        if (Page *page = d->pages.value(d->nav->currentRow()))
            page->refresh();
    });
    QAction *logout = file->addAction(tr("&Log out"));
    connect(logout, &QAction::triggered, this, [this] { d->logout(); });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    connect(d->connectDialog, &ConnectDialog::loggedIn, this, [this](bool mustChange) {
        if (mustChange)
            d->forcePasswordChange(d->connectDialog->password());
        else
            d->showMain();
    });
    connect(d->connectDialog, &QDialog::rejected, this, [this] {
        if (!d->loggedIn)
            qApp->quit();
    });
    connect(d->client, &AdminClient::sessionProblem, this, [this](const QString &) { d->forcePasswordChange(QString()); });
    connect(d->client, &AdminClient::disconnected, this, [this](const QString &reason) {
        if (!d->loggedIn)
            return;
        statusBar()->showMessage(tr("The connection to the server was lost: %1").arg(reason));
        d->showConnect();
    });

    resize(1000, 680);
    restoreGeometry(QSettings().value(u"window/geometry"_s).toByteArray());
}

MainWindow::~MainWindow()
{
    delete d->connectDialog;
    if (d->passwordDialog && !d->passwordDialog->parent())
        delete d->passwordDialog.data();
}

void MainWindow::start()
{
    d->showConnect();
}

AdminClient *MainWindow::client() const
{
    return d->client;
}

ConnectDialog *MainWindow::connectDialog() const
{
    return d->connectDialog;
}

PasswordChangeDialog *MainWindow::passwordDialog() const
{
    return d->passwordDialog.data();
}

QList<Page *> MainWindow::pages() const
{
    return d->pages;
}

Page *MainWindow::page(const QString &objectName) const
{
    for (Page *p : d->pages) {
        if (p->objectName() == objectName)
            return p;
    }
    return nullptr;
}

void MainWindow::showPage(Page *page)
{
    const qsizetype row = d->pages.indexOf(page);
    if (row >= 0)
        d->nav->setCurrentRow(int(row));
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        d->recolourIcons();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings().setValue(u"window/geometry"_s, saveGeometry());
    QMainWindow::closeEvent(event);
}

} // namespace parley::admin
