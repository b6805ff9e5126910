#pragma once

#include <QWidget>

#include <memory>

namespace parley::admin {

// A number of bytes entered as a number and a binary unit (bytes, KiB, MiB, GiB, TiB); a unit above bytes takes two
// decimals ("1.5 GiB"). The widget does not limit the value to a range: its page checks it and says what is allowed.
class SizeEdit : public QWidget {
    Q_OBJECT
public:
    explicit SizeEdit(QWidget *parent = nullptr);
    ~SizeEdit() override;

    // Rounded to whole bytes; at most 2^62.
    qint64 bytes() const;
    // Shown in the largest unit that divides it evenly (100 MiB, 1536 KiB, 1000 bytes).
    void setBytes(qint64 bytes);
    // Names the number field and the unit box for assistive technology.
    void setAccessibleNames(const QString &name);

Q_SIGNALS:
    void changed();

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
