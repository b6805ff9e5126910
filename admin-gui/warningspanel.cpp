#include "warningspanel.h"

#include "colourblend.h"
#include "durationtext.h"

#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

constexpr int IconSize = 22;
constexpr int StripeWidth = 4;
const QColor CriticalColour(0xc6, 0x28, 0x28);
const QColor WarningColour(0xe0, 0x8a, 0x00);

QString sinceText(qint64 since)
{
    if (since <= 0)
        return {};
    const QLocale locale;
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(since);
    const QString at = when.date() == QDate::currentDate() ? locale.toString(when.time(), QLocale::ShortFormat)
                                                            : locale.toString(when, QLocale::ShortFormat);
    // How long, once it is a minute or more.
    const qint64 seconds = (QDateTime::currentMSecsSinceEpoch() - since) / 1000;
    if (seconds < 60)
        return WarningsPanel::tr("since %1").arg(at);
    return WarningsPanel::tr("since %1 (%2)").arg(at, DurationText::elapsed(seconds));
}

} // namespace

struct WarningsPanel::Private {
    WarningsPanel *q = nullptr;
    PageTitle pageTitle;
    QList<ServerWarning> warnings;
    QLabel *heading = nullptr;
    QVBoxLayout *rows = nullptr;
    QList<QLabel *> sinceLabels;

    QWidget *makeRow(const ServerWarning &warning)
    {
        const QColor accent = warning.critical ? CriticalColour : WarningColour;
        const QColor base = q->palette().color(QPalette::Base);
        auto *row = new QFrame(q);
        row->setObjectName(u"warning_"_s + warning.code);
        row->setProperty("severity", warning.critical ? u"critical"_s : u"warning"_s);
        row->setAutoFillBackground(true);
        QPalette tint = row->palette();
        tint.setColor(QPalette::Window, blend(base, accent, base.lightness() < 128 ? 0.28 : 0.12));
        row->setPalette(tint);
        auto *layout = new QHBoxLayout(row);
        layout->setContentsMargins(0, 0, 8, 0);
        auto *stripe = new QWidget(row);
        stripe->setFixedWidth(StripeWidth);
        stripe->setAutoFillBackground(true);
        QPalette stripePalette = stripe->palette();
        stripePalette.setColor(QPalette::Window, accent);
        stripe->setPalette(stripePalette);
        layout->addWidget(stripe);
        auto *icon = new QLabel(row);
        icon->setObjectName(u"warningIcon"_s);
        const QStyle::StandardPixmap pixmap = warning.critical ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxWarning;
        icon->setPixmap(q->style()->standardIcon(pixmap, nullptr, q).pixmap(IconSize, IconSize));
        icon->setAccessibleName(warning.critical ? WarningsPanel::tr("Critical") : WarningsPanel::tr("Warning"));
        layout->addWidget(icon, 0, Qt::AlignTop | Qt::AlignHCenter);
        auto *texts = new QVBoxLayout;
        texts->setContentsMargins(0, 6, 0, 6);
        texts->setSpacing(2);
        auto *text = new QLabel(warning.text(), row);
        text->setObjectName(u"warningText"_s);
        text->setWordWrap(true);
        text->setTextFormat(Qt::PlainText);
        text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        text->setFocusPolicy(Qt::TabFocus);
        texts->addWidget(text);
        auto *since = new QLabel(sinceText(warning.since), row);
        since->setObjectName(u"warningSince"_s);
        since->setVisible(warning.since > 0);
        QPalette muted = since->palette();
        muted.setColor(QPalette::WindowText, blend(q->palette().color(QPalette::WindowText), tint.color(QPalette::Window), 0.35));
        since->setPalette(muted);
        sinceLabels.append(since);
        texts->addWidget(since);
        layout->addLayout(texts, 1);
        const QString key = warning.pageKey();
        const QString title = key.isEmpty() ? QString() : pageTitle(key);
        if (!title.isEmpty()) {
            auto *button = new QPushButton(WarningsPanel::tr("Open %1").arg(title), row);
            button->setObjectName(u"warningAction"_s);
            QObject::connect(button, &QPushButton::clicked, q, [this, key] { Q_EMIT q->navigateTo(key); });
            layout->addWidget(button, 0, Qt::AlignVCenter);
        }
        return row;
    }

    void rebuild()
    {
        while (QLayoutItem *item = rows->takeAt(0)) {
            delete item->widget();
            delete item;
        }
        sinceLabels.clear();
        for (const ServerWarning &warning : std::as_const(warnings))
            rows->addWidget(makeRow(warning));
        const auto critical = std::count_if(warnings.cbegin(), warnings.cend(), [](const ServerWarning &w) { return w.critical; });
        heading->setText(critical > 0 ? WarningsPanel::tr("Needs attention now (%n critical)", nullptr, int(critical))
                                      : WarningsPanel::tr("Needs attention"));
        q->setVisible(!warnings.isEmpty());
    }
};

WarningsPanel::WarningsPanel(PageTitle pageTitle, QWidget *parent) : QFrame(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->pageTitle = std::move(pageTitle);
    setObjectName(u"warningsPanel"_s);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    d->heading = new QLabel(this);
    d->heading->setObjectName(u"warningsHeading"_s);
    QFont bold = d->heading->font();
    bold.setBold(true);
    d->heading->setFont(bold);
    layout->addWidget(d->heading);
    d->rows = new QVBoxLayout;
    d->rows->setSpacing(4);
    layout->addLayout(d->rows);
    setAccessibleName(tr("Warnings"));
    hide();
}

WarningsPanel::~WarningsPanel() = default;

void WarningsPanel::setWarnings(const QList<ServerWarning> &warnings)
{
    QList<ServerWarning> sorted = warnings;
    std::stable_sort(sorted.begin(), sorted.end(), [](const ServerWarning &a, const ServerWarning &b) { return a.critical && !b.critical; });
    if (sorted != d->warnings) {
        d->warnings = sorted;
        d->rebuild();
        return;
    }
    for (qsizetype i = 0; i < d->sinceLabels.size() && i < d->warnings.size(); ++i)
        d->sinceLabels[i]->setText(sinceText(d->warnings.at(i).since));
}

QList<ServerWarning> WarningsPanel::warnings() const
{
    return d->warnings;
}

void WarningsPanel::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (d->rows && (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange))
        d->rebuild();
}

} // namespace parley::admin
