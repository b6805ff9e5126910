#pragma once

#include "serverwarning.h"

#include <QFrame>

#include <functional>
#include <memory>

namespace parley::admin {

// The dashboard's list of what needs an administrator (the `warnings` of status): one row each, with the
// severity's icon and colour, the warning in words, since when it holds, and a button to the page that deals with
// it. Hidden while there is none.
class WarningsPanel : public QFrame {
    Q_OBJECT
public:
    // The title of the page with this objectName, or empty when the window has no such page (then no button).
    using PageTitle = std::function<QString(const QString &pageKey)>;

    explicit WarningsPanel(PageTitle pageTitle, QWidget *parent = nullptr);
    ~WarningsPanel() override;

    // Shows `warnings`, critical ones first; the rows are made again only when the warnings changed.
    void setWarnings(const QList<ServerWarning> &warnings);
    QList<ServerWarning> warnings() const;

Q_SIGNALS:
    // A row's button was pressed: show the page with this objectName.
    void navigateTo(const QString &pageKey);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
