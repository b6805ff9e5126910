#pragma once

#include "page.h"

#include <QCborMap>

#include <memory>

namespace parley::admin {

class DirectoryForm;
class SyncReportView;

// Directory: the sync of users from LDAP or Active Directory (directory.show, set, clear, sync, users;
// docs/operations.md "Directory"). The state (last sync, next sync, whether one runs), the settings, a dry run and a
// sync with their report and the new users' enrollment codes, and the users linked to directory entries. A sync
// runs in the server; the page stays usable while it waits.
class DirectoryPage : public Page {
    Q_OBJECT
public:
    explicit DirectoryPage(AdminClient *client, QWidget *parent = nullptr);
    ~DirectoryPage() override;

    QString title() const override;
    void refresh() override;
    // What directory.show said last.
    QCborMap settings() const;
    DirectoryForm *form() const;
    SyncReportView *reportView() const;

Q_SIGNALS:
    void settingsLoaded();
    void usersLoaded();
    // A dry run or sync finished (or failed: `ok` false).
    void syncFinished(bool ok);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
