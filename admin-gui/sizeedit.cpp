#include "sizeedit.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>

#include <array>
#include <cmath>

namespace parley::admin {

namespace {

constexpr std::array<qint64, 5> Units = {1, qint64(1) << 10, qint64(1) << 20, qint64(1) << 30, qint64(1) << 40};
constexpr qint64 MostBytes = qint64(1) << 62;
// Whole numbers of bytes stay exact in a double up to 2^53.
constexpr double MostNumber = 9007199254740992.0;
constexpr int UnitDecimals = 2;

// Shows 100 rather than 100.00 and 1.5 rather than 1.50.
class NumberBox : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;

    QString textFromValue(double value) const override
    {
        QString text = locale().toString(value, 'f', QLocale::FloatingPointShortest);
        if (!isGroupSeparatorShown())
            text.remove(locale().groupSeparator());
        return text;
    }
};

} // namespace

struct SizeEdit::Private {
    QDoubleSpinBox *number = nullptr;
    QComboBox *unit = nullptr;

    qint64 unitBytes() const { return unit->currentData().toLongLong(); }
    void updateDecimals() { number->setDecimals(unitBytes() == 1 ? 0 : UnitDecimals); }
};

SizeEdit::SizeEdit(QWidget *parent) : QWidget(parent), d(std::make_unique<Private>())
{
    d->number = new NumberBox(this);
    d->number->setObjectName(QStringLiteral("number"));
    d->number->setRange(0, MostNumber);
    d->unit = new QComboBox(this);
    d->unit->setObjectName(QStringLiteral("unit"));
    d->unit->addItem(tr("bytes"), Units[0]);
    d->unit->addItem(tr("KiB"), Units[1]);
    d->unit->addItem(tr("MiB"), Units[2]);
    d->unit->addItem(tr("GiB"), Units[3]);
    d->unit->addItem(tr("TiB"), Units[4]);
    d->unit->setCurrentIndex(2);
    d->updateDecimals();
    d->number->setValue(1);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->number, 1);
    layout->addWidget(d->unit);
    setFocusProxy(d->number);
    connect(d->number, &QDoubleSpinBox::valueChanged, this, &SizeEdit::changed);
    connect(d->unit, &QComboBox::currentIndexChanged, this, [this] {
        d->updateDecimals();
        Q_EMIT changed();
    });
}

SizeEdit::~SizeEdit() = default;

qint64 SizeEdit::bytes() const
{
    const double bytes = std::round(d->number->value() * double(d->unitBytes()));
    return bytes >= double(MostBytes) ? MostBytes : qint64(bytes);
}

void SizeEdit::setBytes(qint64 bytes)
{
    bytes = std::clamp<qint64>(bytes, 0, qint64(MostNumber));
    int index = 0;
    for (int i = int(Units.size()) - 1; i > 0; --i) {
        if (bytes > 0 && bytes % Units[size_t(i)] == 0) {
            index = i;
            break;
        }
    }
    const QSignalBlocker blockUnit(d->unit);
    const QSignalBlocker blockNumber(d->number);
    d->unit->setCurrentIndex(index);
    d->updateDecimals();
    d->number->setValue(double(bytes / Units[size_t(index)]));
    Q_EMIT changed();
}

void SizeEdit::setAccessibleNames(const QString &name)
{
    d->number->setAccessibleName(name);
    d->unit->setAccessibleName(tr("%1: unit").arg(name));
}

} // namespace parley::admin
