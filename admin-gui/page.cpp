#include "page.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMessageBox>
#include <QSaveFile>
#include <QTableView>

namespace parley::admin {

void setUpRecordTable(QTableView *view)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->verticalHeader()->hide();
    view->setWordWrap(false);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setStretchLastSection(true);
}

QLineEdit *formLineEdit(QWidget *parent, const QString &objectName, const QString &accessibleName, const QString &placeholder)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setAccessibleName(accessibleName);
    edit->setPlaceholderText(placeholder);
    return edit;
}

bool selectRecordRow(QTableView *view, const QString &text)
{
    QAbstractItemModel *model = view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        if (index.data().toString() == text) {
            view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            return true;
        }
    }
    return false;
}

QHBoxLayout *buttonRow(std::initializer_list<QWidget *> widgets)
{
    auto *row = new QHBoxLayout;
    for (QWidget *widget : widgets)
        row->addWidget(widget);
    row->addStretch();
    return row;
}

Page::Page(AdminClient *client, QWidget *parent) : QWidget(parent), m_client(client)
{
}

Page::~Page() = default;

void Page::request(const QString &call, const QCborMap &args, std::function<void(const QCborMap &)> done)
{
    request(call, args, std::move(done), {});
}

void Page::request(const QString &call, const QCborMap &args, std::function<void(const QCborMap &)> done,
                   std::function<void(const AdminClient::Reply &)> refused, int timeoutMs)
{
    auto handle = [this, done = std::move(done), refused = std::move(refused)](const AdminClient::Reply &reply) {
        if (!reply.ok) {
            if (refused)
                refused(reply);
            Q_EMIT message(reply.text(), true);
            return;
        }
        done(reply.result);
    };
    if (timeoutMs > 0)
        m_client->call(call, args, this, std::move(handle), timeoutMs);
    else
        m_client->call(call, args, this, std::move(handle));
}

void Page::confirm(const QString &question, std::function<void()> yes)
{
    auto *box = new QMessageBox(QMessageBox::Question, tr("Please confirm"), question, QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmBox"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [yes = std::move(yes)](int result) {
        if (result == QMessageBox::Yes)
            yes();
    });
    box->open();
}

void Page::chooseOpenFile(const QString &caption, const QString &filter, std::function<void(const QString &)> chosen)
{
    auto *dialog = new QFileDialog(this, caption, QString(), filter);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [chosen = std::move(chosen)](const QString &file) { chosen(file); });
    dialog->open();
}

void Page::chooseSaveFile(const QString &caption, const QString &suggested, const QString &filter,
                          std::function<void(const QString &)> chosen)
{
    auto *dialog = new QFileDialog(this, caption, suggested, filter);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [chosen = std::move(chosen)](const QString &file) { chosen(file); });
    dialog->open();
}

bool Page::saveData(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit()) {
        Q_EMIT message(tr("Could not save %1: %2").arg(path, file.errorString()), true);
        return false;
    }
    Q_EMIT message(tr("Saved %1.").arg(path), false);
    return true;
}

} // namespace parley::admin
