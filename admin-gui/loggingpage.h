#pragma once

#include "page.h"

#include <memory>

class QComboBox;

namespace parley::admin {

// Event logging: verbosity per subsystem, the live event view with a filter, and the retention period.
class LoggingPage : public Page {
    Q_OBJECT
public:
    explicit LoggingPage(AdminClient *client, QWidget *parent = nullptr);
    ~LoggingPage() override;

    QString title() const override;
    void refresh() override;

    // The level chooser of one category (null when the server did not list it).
    QComboBox *levelBox(const QString &category) const;

Q_SIGNALS:
    void levelsLoaded();
    void levelChanged(const QString &category, const QString &level);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
