#include "filespage.h"

#include "recordmodel.h"
#include "sizeedit.h"

#include <QCborArray>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <optional>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
constexpr qint64 MaxLimitBytes = qint64(1) << 50;       // files.set's range: 1 … 2^50 bytes (docs/admin-api.md)
} // namespace

struct FilesPage::Private {
    FilesPage *q = nullptr;
    SizeEdit *maxFile = nullptr;
    SizeEdit *userQuota = nullptr;
    QLabel *totalBytes = nullptr;
    QLabel *blobs = nullptr;
    RecordModel *usage = nullptr;
    QSortFilterProxyModel *proxy = nullptr;
    QTableView *table = nullptr;
    QCborMap limits;

    void showLimits(const QCborMap &result)
    {
        limits = result;
        maxFile->setBytes(result.value(u"max_file"_s).toInteger());
        userQuota->setBytes(result.value(u"user_quota"_s).toInteger());
        const QLocale locale;
        const qint64 total = result.value(u"total_bytes"_s).toInteger();
        // The exact number beside the rounded one, unless it is the same (below 1 KiB).
        totalBytes->setText(total < 1024 ? locale.formattedDataSize(total)
                                         : FilesPage::tr("%1 (%2 bytes)").arg(locale.formattedDataSize(total), locale.toString(total)));
        blobs->setText(locale.toString(result.value(u"blobs"_s).toInteger()));
        Q_EMIT q->limitsLoaded();
    }

    // A deleted user's attachments come with an empty name; the table says so in words.
    void showUsage(const QCborMap &result)
    {
        QCborArray rows;
        for (const QCborValue &v : result.value(u"users"_s).toArray()) {
            QCborMap row = v.toMap();
            const QString user = row.value(u"user"_s).toString();
            row.insert(u"shown_user"_s, user.isEmpty() ? FilesPage::tr("(deleted user)") : user);
            rows.append(row);
        }
        usage->setRecords(rows);
        Q_EMIT q->usageLoaded();
    }

    // The limit in `edit` when it is in files.set's range; otherwise says so and gives nothing.
    std::optional<qint64> checked(SizeEdit *edit, const QString &outOfRange)
    {
        const qint64 bytes = edit->bytes();
        if (bytes >= 1 && bytes <= MaxLimitBytes)
            return bytes;
        edit->setFocus();
        Q_EMIT q->message(outOfRange, true);
        return std::nullopt;
    }

    void apply()
    {
        const auto file = checked(maxFile, FilesPage::tr("The largest file must be from 1 byte to 1024 TiB."));
        if (!file)
            return;
        const auto quota = checked(userQuota, FilesPage::tr("The quota per user must be from 1 byte to 1024 TiB."));
        if (!quota)
            return;
        QCborMap args;
        args.insert(u"max_file"_s, *file);
        args.insert(u"user_quota"_s, *quota);
        q->request(u"files.set"_s, args, [this](const QCborMap &result) {
            Q_EMIT q->message(FilesPage::tr("Attachment limits saved; they apply to the next upload."), false);
            showLimits(result);
        });
    }
};

FilesPage::FilesPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"filesPage"_s);

    // Limits.
    auto *limitsBox = new QGroupBox(tr("Limits of attachments"), this);
    auto *intro = new QLabel(tr("Devices upload attachments end-to-end encrypted: the server learns their size, never "
                                "their content. A new limit applies to the next upload; uploads under way and stored "
                                "attachments are kept."),
                             limitsBox);
    intro->setWordWrap(true);
    d->maxFile = new SizeEdit(limitsBox);
    d->maxFile->setObjectName(u"maxFile"_s);
    d->maxFile->setAccessibleNames(tr("Largest file"));
    d->userQuota = new SizeEdit(limitsBox);
    d->userQuota->setObjectName(u"userQuota"_s);
    d->userQuota->setAccessibleNames(tr("Quota per user"));
    auto *quotaHint = new QLabel(tr("All of a user's attachments together, unfinished uploads included."), limitsBox);
    quotaHint->setWordWrap(true);
    auto *apply = new QPushButton(tr("&Apply limits"), limitsBox);
    apply->setObjectName(u"applyLimits"_s);
    auto *maxFileLabel = new QLabel(tr("Largest &file:"), limitsBox);
    maxFileLabel->setBuddy(d->maxFile);
    auto *quotaLabel = new QLabel(tr("&Quota per user:"), limitsBox);
    quotaLabel->setBuddy(d->userQuota);
    auto *limitsForm = new QFormLayout(limitsBox);
    limitsForm->addRow(intro);
    limitsForm->addRow(maxFileLabel, d->maxFile);
    limitsForm->addRow(quotaLabel, d->userQuota);
    limitsForm->addRow(QString(), quotaHint);
    auto *buttons = buttonRow({apply});
    limitsForm->addRow(QString(), buttons);

    // Storage in use: in all, and per user, largest first.
    auto *usageBox = new QGroupBox(tr("Storage taken by attachments"), this);
    d->totalBytes = new QLabel(u"–"_s, usageBox);
    d->totalBytes->setObjectName(u"totalBytes"_s);
    d->totalBytes->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    d->blobs = new QLabel(u"–"_s, usageBox);
    d->blobs->setObjectName(u"blobCount"_s);
    d->blobs->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    auto *refreshButton = new QPushButton(tr("&Refresh"), usageBox);
    refreshButton->setObjectName(u"refreshFiles"_s);
    auto *totals = new QFormLayout;
    totals->addRow(tr("In all:"), d->totalBytes);
    totals->addRow(tr("Attachments:"), d->blobs);
    auto *top = new QHBoxLayout;
    top->addLayout(totals, 1);
    top->addWidget(refreshButton, 0, Qt::AlignTop);
    auto *note = new QLabel(tr("Declared sizes, unfinished uploads included. \"(deleted user)\": attachments of users "
                               "who were deleted, kept while messages still refer to them."),
                            usageBox);
    note->setWordWrap(true);
    d->usage = new RecordModel({{u"shown_user"_s, tr("User"), RecordModel::Kind::Text},
                                {u"bytes"_s, tr("Storage"), RecordModel::Kind::Bytes},
                                {u"blobs"_s, tr("Attachments"), RecordModel::Kind::Number}},
                               this);
    d->usage->setObjectName(u"usageModel"_s);
    d->proxy = new QSortFilterProxyModel(this);
    d->proxy->setSourceModel(d->usage);
    d->proxy->setSortRole(Qt::UserRole);
    d->table = new QTableView(usageBox);
    d->table->setObjectName(u"usageTable"_s);
    d->table->setAccessibleName(tr("Storage per user"));
    d->table->setModel(d->proxy);
    d->table->setSortingEnabled(true);
    d->table->sortByColumn(1, Qt::DescendingOrder);
    setUpRecordTable(d->table);
    d->table->setSelectionMode(QAbstractItemView::SingleSelection);
    auto *usageLayout = new QVBoxLayout(usageBox);
    usageLayout->addLayout(top);
    usageLayout->addWidget(d->table, 1);
    usageLayout->addWidget(note);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(limitsBox);
    layout->addWidget(usageBox, 1);

    setTabOrder(d->maxFile, d->userQuota);
    setTabOrder(d->userQuota, apply);
    setTabOrder(apply, refreshButton);
    setTabOrder(refreshButton, d->table);

    connect(apply, &QPushButton::clicked, this, [this] { d->apply(); });
    connect(refreshButton, &QPushButton::clicked, this, &FilesPage::refresh);
}

FilesPage::~FilesPage() = default;

QString FilesPage::title() const
{
    return tr("Files");
}

void FilesPage::refresh()
{
    request(u"files.show"_s, {}, [this](const QCborMap &result) { d->showLimits(result); });
    request(u"files.usage"_s, {}, [this](const QCborMap &result) { d->showUsage(result); });
}

QCborMap FilesPage::limits() const
{
    return d->limits;
}

void FilesPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
