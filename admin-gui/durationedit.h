#pragma once

#include <QWidget>

#include <memory>

namespace parley::admin {

// A length of time entered as a number and a unit (seconds, minutes, hours, days); the value is in seconds.
class DurationEdit : public QWidget {
    Q_OBJECT
public:
    explicit DurationEdit(QWidget *parent = nullptr);
    ~DurationEdit() override;

    qint64 seconds() const;
    // Shown in the largest unit that divides it evenly.
    void setSeconds(qint64 seconds);
    // Text shown instead of 0 (e.g. "no limit"); empty: 0 is not allowed.
    void setZeroText(const QString &text);
    // Names the number field and the unit box for assistive technology.
    void setAccessibleNames(const QString &name);

Q_SIGNALS:
    void changed();

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
