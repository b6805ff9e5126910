#pragma once

#include <QCborMap>
#include <QDialog>

#include <memory>

namespace parley::admin {

class AdminClient;

// Making a bot (bots.create) or changing one (bots.update): its name (checked while it is typed: a user name ending
// in .bot), description, scope ("any", or the users and rooms it may send to), expiry, rate and burst, and for a new
// bot how long its enrollment code stays valid. The dialog sends the call itself and stays open while the server
// refuses, showing the refusal beside the field it names; saved() carries the server's reply. Non-modal.
class BotDialog : public QDialog {
    Q_OBJECT
public:
    // A new bot.
    BotDialog(AdminClient *client, QWidget *parent = nullptr);
    // Changes to `bot` (as bots.list has it).
    BotDialog(AdminClient *client, const QCborMap &bot, QWidget *parent = nullptr);
    ~BotDialog() override;

    bool isCreating() const;

Q_SIGNALS:
    void saved(const QCborMap &result);
    // A line for the status bar.
    void message(const QString &text, bool error);

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
