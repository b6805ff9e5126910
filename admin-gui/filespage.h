#pragma once

#include "page.h"

#include <QCborMap>

#include <memory>

namespace parley::admin {

// Files: the limits of attachments (the largest file, the quota per user) and the storage they take, in all and per
// user (files.show, files.set, files.usage). A new limit applies to the next upload; stored attachments stay.
class FilesPage : public Page {
    Q_OBJECT
public:
    explicit FilesPage(AdminClient *client, QWidget *parent = nullptr);
    ~FilesPage() override;

    QString title() const override;
    void refresh() override;
    // What the server said last (files.show or files.set): max_file, user_quota, total_bytes, blobs.
    QCborMap limits() const;

Q_SIGNALS:
    void limitsLoaded();
    void usageLoaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
