#pragma once

#include "page.h"

#include <QCborMap>

#include <memory>

namespace parley::admin {

// Rooms: the defaults and limits for new rooms (rooms.defaults), the room list with search (rooms.list), one room's
// policy and members (rooms.show), the retention the server enforces on top of the room's own signed policy
// (rooms.policy), and deletion with confirmation (rooms.delete).
class RoomsPage : public Page {
    Q_OBJECT
public:
    explicit RoomsPage(AdminClient *client, QWidget *parent = nullptr);
    ~RoomsPage() override;

    QString title() const override;
    void refresh() override;

    // Selects the row of `room` (for keyboard users and tests); false when it is not listed.
    bool selectRoom(const QString &room);
    // The rooms.show map of the room shown in the detail view (empty when none is).
    QCborMap shownRoom() const;

Q_SIGNALS:
    void defaultsLoaded();
    void roomsLoaded();
    void roomShown(const QString &room);

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
