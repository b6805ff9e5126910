#include "durationedit.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QSpinBox>

#include <array>
#include <climits>

namespace parley::admin {

namespace {
constexpr std::array<qint64, 4> Units = {1, 60, 3600, 86400};
constexpr qint64 MaxSeconds = qint64(1) << 32;       // the server's limit for room expiry times
}

struct DurationEdit::Private {
    QSpinBox *number = nullptr;
    QComboBox *unit = nullptr;

    qint64 unitSeconds() const { return unit->currentData().toLongLong(); }
    void updateRange()
    {
        const qint64 most = std::min<qint64>(MaxSeconds / unitSeconds(), INT_MAX);
        number->setMaximum(int(most));
    }
};

DurationEdit::DurationEdit(QWidget *parent) : QWidget(parent), d(std::make_unique<Private>())
{
    d->number = new QSpinBox(this);
    d->number->setObjectName(QStringLiteral("number"));
    d->number->setMinimum(1);
    d->unit = new QComboBox(this);
    d->unit->setObjectName(QStringLiteral("unit"));
    d->unit->addItem(tr("seconds"), Units[0]);
    d->unit->addItem(tr("minutes"), Units[1]);
    d->unit->addItem(tr("hours"), Units[2]);
    d->unit->addItem(tr("days"), Units[3]);
    d->unit->setCurrentIndex(3);
    d->updateRange();
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->number, 1);
    layout->addWidget(d->unit);
    setFocusProxy(d->number);
    connect(d->number, &QSpinBox::valueChanged, this, &DurationEdit::changed);
    connect(d->unit, &QComboBox::currentIndexChanged, this, [this] {
        d->updateRange();
        Q_EMIT changed();
    });
}

DurationEdit::~DurationEdit() = default;

qint64 DurationEdit::seconds() const
{
    return qint64(d->number->value()) * d->unitSeconds();
}

void DurationEdit::setSeconds(qint64 seconds)
{
    seconds = std::clamp<qint64>(seconds, 0, MaxSeconds);
    int index = 0;
    for (int i = int(Units.size()) - 1; i > 0; --i) {
        if (seconds > 0 && seconds % Units[size_t(i)] == 0 && seconds / Units[size_t(i)] <= INT_MAX) {
            index = i;
            break;
        }
    }
    if (seconds == 0)
        index = d->unit->currentIndex();
    const QSignalBlocker blockUnit(d->unit);
    const QSignalBlocker blockNumber(d->number);
    d->unit->setCurrentIndex(index);
    d->updateRange();
    d->number->setValue(int(std::min<qint64>(seconds / Units[size_t(index)], INT_MAX)));
    Q_EMIT changed();
}

void DurationEdit::setZeroText(const QString &text)
{
    d->number->setMinimum(text.isEmpty() ? 1 : 0);
    d->number->setSpecialValueText(text);
}

void DurationEdit::setAccessibleNames(const QString &name)
{
    d->number->setAccessibleName(name);
    d->unit->setAccessibleName(tr("%1: unit").arg(name));
}

} // namespace parley::admin
