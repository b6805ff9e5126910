// parley-admin's widgets driven against a real parleyd over TLS (QT_QPA_PLATFORM=offscreen), the pages of a logged-in
// window: rooms and their policy, push credentials, the TURN settings of calls, the limits and storage of attachments,
// client certificates and, last, certificate pinning. The first login and the users' side run in tst_adminlogin; the
// Bots, Directory and Single sign-on pages in tst_adminbotspage, tst_admindirectorypage and tst_adminssopage.

#include "adminappfixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::admin;
using namespace parley::admin::test;

class TestAdminPages : public AdminAppTest {
    Q_OBJECT

    // Starts an upload of `size` bytes from `device` (blob_start); the reply's type or error code.
    static QString startUpload(e2e::Device &device, qint64 size)
    {
        const quint64 id = device.client().sendFrame(protocol::Frame(u"blob_start"_s).set("size"_L1, size));
        QElapsedTimer timer;
        timer.start();
        while (!device.replyTo(id) && timer.elapsed() < UiWaitMs)
            QTest::qWait(10);
        const auto reply = device.replyTo(id);
        if (!reply)
            return u"<nothing>"_s;
        return reply->type == u"error"_s ? reply->text("code"_L1) : reply->type;
    }

private Q_SLOTS:
    void initTestCase() { startDaemonPastFirstLogin(); }

    void cleanupTestCase() { m_daemon.reset(); }

    void roomsDefaultsListDetailAndDelete()
    {
        e2e::Device erin(*m_daemon, u"erin"_s);
        QVERIFY(erin.enroll());
        e2e::Device finn(*m_daemon, u"finn"_s);
        QVERIFY(finn.enroll());
        QVERIFY(createRoom(erin, u"garden"_s, 3600, {u"finn"_s}));
        QVERIFY(createRoom(erin, u"kitchen"_s, std::nullopt, {}));

        MainWindow window;
        QVERIFY(login(window));
        auto *rooms = openPage<RoomsPage>(window, u"roomsPage"_s, &RoomsPage::roomsLoaded);
        QVERIFY(rooms);
        // Defaults and limits: shown, changed, kept by the server.
        auto *maxMembers = child<QSpinBox>(rooms, u"maxMembers"_s);
        QTRY_COMPARE_WITH_TIMEOUT(maxMembers->value(), 1000, UiWaitMs);
        maxMembers->setValue(50);
        child<QCheckBox>(rooms, u"expireByDefault"_s)->setChecked(true);
        child<DurationEdit>(rooms, u"defaultExpire"_s)->setSeconds(2 * 86400);
        child<QCheckBox>(rooms, u"defaultBurn"_s)->setChecked(true);
        QSignalSpy defaults(rooms, &RoomsPage::defaultsLoaded);
        child<QPushButton>(rooms, u"saveDefaults"_s)->click();
        QVERIFY(defaults.wait(UiWaitMs));
        QCborMap shown;
        bool answered = false;
        window.client()->call(u"rooms.defaults"_s, {}, this, [&](const AdminClient::Reply &reply) {
            answered = true;
            shown = reply.result;
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, UiWaitMs);
        QCOMPARE(shown.value(u"max_members"_s).toInteger(), 50);
        QCOMPARE(shown.value(u"default_expire_seconds"_s).toInteger(), 2 * 86400);
        QCOMPARE(shown.value(u"default_burn"_s).toBool(), true);
        // A value the server refuses is explained in words and changes nothing.
        child<QCheckBox>(rooms, u"limitExpire"_s)->setChecked(true);
        child<DurationEdit>(rooms, u"maxExpire"_s)->setSeconds(86400);       // below the default expiry
        child<QPushButton>(rooms, u"saveDefaults"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(u"default expiry"_s), UiWaitMs);
        // Back to the defaults for the other tests.
        maxMembers->setValue(1000);
        child<QCheckBox>(rooms, u"limitExpire"_s)->setChecked(false);
        child<QCheckBox>(rooms, u"expireByDefault"_s)->setChecked(false);
        child<QCheckBox>(rooms, u"defaultBurn"_s)->setChecked(false);
        defaults.clear();
        child<QPushButton>(rooms, u"saveDefaults"_s)->click();
        QVERIFY(defaults.wait(UiWaitMs));

        // The list with search.
        QTRY_VERIFY_WITH_TIMEOUT(roomListed(rooms, u"garden"_s) && roomListed(rooms, u"kitchen"_s), UiWaitMs);
        auto *table = child<QTableView>(rooms, u"roomsTable"_s);
        QVERIFY(qobject_cast<QSortFilterProxyModel *>(table->model()));
        child<QLineEdit>(rooms, u"roomSearch"_s)->setText(u"gard"_s);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, UiWaitMs);
        QCOMPARE(roomsPageRoom(rooms, 0), u"garden"_s);
        child<QLineEdit>(rooms, u"roomSearch"_s)->setText(u"no-such-room"_s);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 0, UiWaitMs);
        // A search leaves unsaved edits of the defaults alone; Refresh shows the server's values again.
        maxMembers->setValue(77);
        child<QLineEdit>(rooms, u"roomSearch"_s)->clear();
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, UiWaitMs);
        QCOMPARE(maxMembers->value(), 77);
        rooms->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(maxMembers->value(), 1000, UiWaitMs);

        // The detail view: policy, members with the admin flag, counts.
        QSignalSpy shownSpy(rooms, &RoomsPage::roomShown);
        QVERIFY(rooms->selectRoom(u"garden"_s));
        QVERIFY(shownSpy.wait(UiWaitMs));
        QCOMPARE(shownSpy.last().at(0).toString(), u"garden"_s);
        QVERIFY(child<QLabel>(rooms, u"roomSummary"_s)->text().contains(u"Title of garden"_s));
        QVERIFY(child<QLabel>(rooms, u"ownPolicy"_s)->text().contains(u"1 hour"_s));
        auto *members = rooms->findChild<RecordModel *>(u"membersModel"_s);
        QCOMPARE(members->rowCount(), 2);
        QMap<QString, bool> admins;
        for (int row = 0; row < members->rowCount(); ++row)
            admins.insert(members->record(row).value(u"name"_s).toString(), members->record(row).value(u"admin"_s).toBool());
        QCOMPARE(admins, (QMap<QString, bool>{{u"erin"_s, true}, {u"finn"_s, false}}));
        QCOMPARE(rooms->shownRoom().value(u"member_count"_s).toInteger(), 2);
        QCOMPARE(rooms->shownRoom().value(u"admin_count"_s).toInteger(), 1);

        // Delete asks first; Cancel keeps the room, Yes deletes it.
        QVERIFY(rooms->selectRoom(u"kitchen"_s));
        auto *remove = child<QPushButton>(rooms, u"deleteRoom"_s);
        QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), UiWaitMs);
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(rooms->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        rooms->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!rooms->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        QVERIFY(roomListed(rooms, u"kitchen"_s));
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(rooms->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        rooms->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Yes)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!roomListed(rooms, u"kitchen"_s), UiWaitMs);
        QVERIFY(roomListed(rooms, u"garden"_s));
    }

    void roomPolicyEditor()
    {
        MainWindow window;
        QVERIFY(login(window));
        auto *rooms = openPage<RoomsPage>(window, u"roomsPage"_s, &RoomsPage::roomsLoaded);
        QVERIFY(rooms);
        QTRY_VERIFY_WITH_TIMEOUT(roomListed(rooms, u"garden"_s), UiWaitMs);
        QSignalSpy shownSpy(rooms, &RoomsPage::roomShown);
        QVERIFY(rooms->selectRoom(u"garden"_s));
        QVERIFY(shownSpy.wait(UiWaitMs));
        QVERIFY(!child<QLabel>(rooms, u"policyExplanation"_s)->text().isEmpty());

        // Tighter than the room's own hour: ten minutes and burn-after-reading.
        auto shownValue = [rooms](const QString &key) { return rooms->shownRoom().value(key); };
        child<QCheckBox>(rooms, u"enforceExpiry"_s)->setChecked(true);
        child<DurationEdit>(rooms, u"enforcedExpire"_s)->setSeconds(600);
        child<QCheckBox>(rooms, u"enforceBurn"_s)->setChecked(true);
        child<QPushButton>(rooms, u"applyPolicy"_s)->click();
        QTRY_COMPARE_WITH_TIMEOUT(shownValue(u"enforced_expire_seconds"_s).toInteger(), 600, UiWaitMs);
        QCOMPARE(shownValue(u"enforced_burn"_s).toBool(), true);
        QCOMPARE(shownValue(u"effective_expire_seconds"_s).toInteger(), 600);
        QCOMPARE(shownValue(u"effective_burn"_s).toBool(), true);
        QCOMPARE(shownValue(u"expire_seconds"_s).toInteger(), 3600);        // the signed policy is untouched
        QCOMPARE(shownValue(u"burn_on_read"_s).toBool(), false);
        // "10 minute(s)" until a translation is loaded.
        QVERIFY(child<QLabel>(rooms, u"effectivePolicy"_s)->text().contains(u"10 minute"_s));
        QVERIFY(child<QLabel>(rooms, u"enforcedPolicy"_s)->text().contains(u"burn after reading"_s));
        // The list shows the retention in effect.
        auto *list = rooms->findChild<RecordModel *>(u"roomsModel"_s);
        QTRY_VERIFY_WITH_TIMEOUT(list->rowCount() > 0 && list->record(0).value(u"effective_expire_seconds"_s).toInteger() == 600,
                                 UiWaitMs);

        // The server keeps it: a second window shows it, with the editor set to it.
        {
            MainWindow second;
            QVERIFY(login(second));
            auto *again = openPage<RoomsPage>(second, u"roomsPage"_s, &RoomsPage::roomsLoaded);
            QVERIFY(again);
            QVERIFY(again->selectRoom(u"garden"_s));
            QTRY_COMPARE_WITH_TIMEOUT(again->shownRoom().value(u"enforced_expire_seconds"_s).toInteger(), 600, UiWaitMs);
            QVERIFY(child<QCheckBox>(again, u"enforceExpiry"_s)->isChecked());
            QCOMPARE(child<DurationEdit>(again, u"enforcedExpire"_s)->seconds(), 600);
            QVERIFY(child<QCheckBox>(again, u"enforceBurn"_s)->isChecked());
        }

        // Clearing leaves the room's own policy in effect.
        child<QCheckBox>(rooms, u"enforceExpiry"_s)->setChecked(false);
        child<QCheckBox>(rooms, u"enforceBurn"_s)->setChecked(false);
        child<QPushButton>(rooms, u"applyPolicy"_s)->click();
        QTRY_COMPARE_WITH_TIMEOUT(shownValue(u"enforced_expire_seconds"_s).toInteger(), 0, UiWaitMs);
        QCOMPARE(shownValue(u"enforced_burn"_s).toBool(), false);
        QCOMPARE(shownValue(u"effective_expire_seconds"_s).toInteger(), 3600);
        QCOMPARE(shownValue(u"effective_burn"_s).toBool(), false);
        QVERIFY(child<QLabel>(rooms, u"enforcedPolicy"_s)->text().contains(u"nothing beyond"_s));
    }

    void pushCredentials()
    {
        QTemporaryDir dir;
        // An APNs key as Apple hands it out (PKCS#8 PEM, P-256) and an FCM service account (RSA).
        auto apnsKey = crypto::P256Key::generate();
        QVERIFY(apnsKey);
        auto apnsPem = apnsKey->privatePem();
        QVERIFY(apnsPem);
        const QString p8 = dir.filePath(u"AuthKey_ABC123DEFG.p8"_s);
        {
            QFile f(p8);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(apnsPem->view().toByteArray());
        }
        auto rsa = crypto::RsaKey::generate(2048);
        QVERIFY(rsa);
        auto rsaPem = rsa->privatePem();
        QVERIFY(rsaPem);
        QJsonObject account{{u"type"_s, u"service_account"_s},
                            {u"project_id"_s, u"parley-test"_s},
                            {u"private_key_id"_s, u"0123456789abcdef"_s},
                            {u"private_key"_s, QString::fromUtf8(rsaPem->view().toByteArray())},
                            {u"client_email"_s, u"push@parley-test.iam.gserviceaccount.com"_s},
                            {u"token_uri"_s, u"https://oauth2.googleapis.com/token"_s}};
        const QString json = dir.filePath(u"service-account.json"_s);
        {
            QFile f(json);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QJsonDocument(account).toJson());
        }

        MainWindow window;
        QVERIFY(login(window));
        auto *push = openPage<PushPage>(window, u"pushPage"_s, &PushPage::providersLoaded);
        QVERIFY(push);

        // Web Push with a key the server generates; its public key can be copied.
        child<QLineEdit>(push, u"webpushSubject"_s)->setText(u"mailto:ops@example.com"_s);
        QSignalSpy loaded(push, &PushPage::providersLoaded);
        child<QPushButton>(push, u"webpushSave"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(push->provider(u"webpush"_s).value(u"configured"_s).toBool(), true);
        QCOMPARE(push->provider(u"webpush"_s).value(u"source"_s).toString(), u"admin"_s);
        const QString publicKey = child<QLineEdit>(push, u"webpushPublicKey"_s)->text();
        QVERIFY(publicKey.size() > 40);
        child<QPushButton>(push, u"copyPublicKey"_s)->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), publicKey);

        // APNs from a key file picked in the file dialog.
        child<QPushButton>(push, u"apnsChoose"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(push->findChild<QFileDialog *>(), UiWaitMs);
        auto *chooser = push->findChild<QFileDialog *>();
        chooser->selectFile(p8);
        QVERIFY(QMetaObject::invokeMethod(chooser, "accept"));
        QTRY_COMPARE_WITH_TIMEOUT(child<QLineEdit>(push, u"apnsKeyFile"_s)->text(), p8, UiWaitMs);
        child<QLineEdit>(push, u"apnsKeyId"_s)->setText(u"ABC123DEFG"_s);
        child<QLineEdit>(push, u"apnsTeamId"_s)->setText(u"TEAM123456"_s);
        child<QLineEdit>(push, u"apnsTopic"_s)->setText(u"org.example.parley"_s);
        loaded.clear();
        child<QPushButton>(push, u"apnsSave"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCborMap apns = push->provider(u"apns"_s);
        QCOMPARE(apns.value(u"configured"_s).toBool(), true);
        QCOMPARE(apns.value(u"key_id"_s).toString(), u"ABC123DEFG"_s);
        QCOMPARE(apns.value(u"team_id"_s).toString(), u"TEAM123456"_s);
        QVERIFY(child<QLabel>(push, u"apnsStatus"_s)->text().contains(u"ABC123DEFG"_s));

        // FCM from the service account file.
        child<QLineEdit>(push, u"fcmFile"_s)->setText(json);
        loaded.clear();
        child<QPushButton>(push, u"fcmSave"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(push->provider(u"fcm"_s).value(u"configured"_s).toBool(), true);
        QCOMPARE(push->provider(u"fcm"_s).value(u"project_id"_s).toString(), u"parley-test"_s);

        // No key material is shown anywhere on the page.
        for (QLineEdit *edit : push->findChildren<QLineEdit *>())
            QVERIFY2(!edit->text().contains(u"PRIVATE KEY"_s), qPrintable(edit->objectName()));
        for (QLabel *label : push->findChildren<QLabel *>())
            QVERIFY2(!label->text().contains(u"PRIVATE KEY"_s), qPrintable(label->objectName()));

        // A file that is not a key is refused in words.
        child<QLineEdit>(push, u"apnsKeyFile"_s)->setText(json);
        child<QPushButton>(push, u"apnsSave"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().startsWith(u"Error:"_s), UiWaitMs);

        // Removing asks first.
        child<QPushButton>(push, u"apnsClear"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(push->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        loaded.clear();
        push->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Yes)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(push->provider(u"apns"_s).value(u"configured"_s).toBool(), false);
        QCOMPARE(push->provider(u"fcm"_s).value(u"configured"_s).toBool(), true);
    }

    // The Calls page: TURN URIs, lifetime and a write-only secret.
    void turnSettings()
    {
        const QString secret = u"gui-turn-secret-0123456789"_s;
        MainWindow window;
        QVERIFY(login(window));
        auto *calls = openPage<CallsPage>(window, u"callsPage"_s, &CallsPage::settingsLoaded);
        QVERIFY(calls);
        QCOMPARE(calls->settings().value(u"configured"_s).toBool(), false);
        QVERIFY(child<QLabel>(calls, u"turnSecretState"_s)->text().contains(u"not set"_s));

        // Without a secret nothing is sent.
        child<QPlainTextEdit>(calls, u"turnUris"_s)->setPlainText(u"turn:turn.example.com:3478?transport=udp\n\nstun:turn.example.com\n"_s);
        child<QPushButton>(calls, u"saveTurn"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(u"shared secret"_s), UiWaitMs);
        QCOMPARE(calls->settings().value(u"configured"_s).toBool(), false);

        child<QSpinBox>(calls, u"turnTtl"_s)->setValue(600);
        child<QLineEdit>(calls, u"turnSecret"_s)->setText(secret);
        QSignalSpy loaded(calls, &CallsPage::settingsLoaded);
        child<QPushButton>(calls, u"saveTurn"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        const QCborMap shown = calls->settings();
        QCOMPARE(shown.value(u"configured"_s).toBool(), true);
        QCOMPARE(shown.value(u"secret_set"_s).toBool(), true);
        QCOMPARE(shown.value(u"ttl"_s).toInteger(), 600);
        QCOMPARE(shown.value(u"uris"_s).toArray().size(), 2);
        QVERIFY(!shown.toCborValue().toCbor().contains(secret.toUtf8()));
        QVERIFY(child<QLineEdit>(calls, u"turnSecret"_s)->text().isEmpty());
        QVERIFY(child<QLabel>(calls, u"turnSecretState"_s)->text().startsWith(u"Secret: set"_s));
        QCOMPARE(child<QPlainTextEdit>(calls, u"turnUris"_s)->toPlainText(),
                 u"turn:turn.example.com:3478?transport=udp\nstun:turn.example.com"_s);

        // A later save keeps the secret; a bad URI is refused in words.
        child<QSpinBox>(calls, u"turnTtl"_s)->setValue(1200);
        loaded.clear();
        child<QPushButton>(calls, u"saveTurn"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(calls->settings().value(u"ttl"_s).toInteger(), 1200);
        QCOMPARE(calls->settings().value(u"secret_set"_s).toBool(), true);
        child<QPlainTextEdit>(calls, u"turnUris"_s)->setPlainText(u"http://turn.example.com"_s);
        child<QPushButton>(calls, u"saveTurn"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().startsWith(u"Error:"_s), UiWaitMs);

        // No widget on the page shows the secret.
        for (QLineEdit *edit : calls->findChildren<QLineEdit *>())
            QVERIFY2(!edit->text().contains(secret), qPrintable(edit->objectName()));
        for (QLabel *label : calls->findChildren<QLabel *>())
            QVERIFY2(!label->text().contains(secret), qPrintable(label->objectName()));

        // Turning it off asks first.
        child<QPushButton>(calls, u"clearTurn"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(calls->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        loaded.clear();
        calls->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Yes)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(calls->settings().value(u"configured"_s).toBool(), false);
        QVERIFY(child<QLabel>(calls, u"turnSecretState"_s)->text().contains(u"not set"_s));
    }

    // The Files page: the attachment limits (shown, changed, refused out of range) and the storage per user.
    void fileLimitsAndUsage()
    {
        constexpr qint64 MiB = qint64(1) << 20;
        constexpr qint64 GiB = qint64(1) << 30;
        // Three users with unfinished uploads (which count in full): ivan's is the largest, jo's stays after jo is
        // deleted, hana's is the smallest.
        e2e::Device hana(*m_daemon, u"hana"_s);
        QVERIFY(hana.enroll());
        e2e::Device ivan(*m_daemon, u"ivan"_s);
        QVERIFY(ivan.enroll());
        e2e::Device jo(*m_daemon, u"jo"_s);
        QVERIFY(jo.enroll());
        QCOMPARE(startUpload(hana, 1000), u"blob_started"_s);
        QCOMPARE(startUpload(ivan, 3 * MiB), u"blob_started"_s);
        QCOMPARE(startUpload(ivan, 1 * MiB), u"blob_started"_s);
        QCOMPARE(startUpload(jo, 2 * MiB), u"blob_started"_s);
        jo.close();

        MainWindow window;
        QVERIFY(login(window));
        QVERIFY(adminCall(window, u"user.delete"_s, {{u"name"_s, u"jo"_s}}));
        auto *files = openPage<FilesPage>(window, u"filesPage"_s, &FilesPage::usageLoaded);
        QVERIFY(files);

        // The limits in force, in units people read, and the totals.
        QTRY_COMPARE_WITH_TIMEOUT(files->limits().value(u"max_file"_s).toInteger(), 100 * MiB, UiWaitMs);
        auto *maxFile = child<SizeEdit>(files, u"maxFile"_s);
        auto *userQuota = child<SizeEdit>(files, u"userQuota"_s);
        QCOMPARE(maxFile->bytes(), 100 * MiB);
        QCOMPARE(child<QDoubleSpinBox>(maxFile, u"number"_s)->text(), u"100"_s);
        QCOMPARE(child<QComboBox>(maxFile, u"unit"_s)->currentText(), u"MiB"_s);
        QCOMPARE(userQuota->bytes(), GiB);
        QCOMPARE(child<QDoubleSpinBox>(userQuota, u"number"_s)->text(), u"1"_s);
        QCOMPARE(child<QComboBox>(userQuota, u"unit"_s)->currentText(), u"GiB"_s);
        const qint64 total = 6 * MiB + 1000;
        QCOMPARE(files->limits().value(u"total_bytes"_s).toInteger(), total);
        QCOMPARE(child<QLabel>(files, u"totalBytes"_s)->text(),
                 u"%1 (%2 bytes)"_s.arg(QLocale().formattedDataSize(total), QLocale().toString(total)));
        QCOMPARE(child<QLabel>(files, u"blobCount"_s)->text(), u"4"_s);

        // Storage per user, largest first; the deleted user's upload is shown as such.
        auto *table = child<QTableView>(files, u"usageTable"_s);
        QAbstractItemModel *rows = table->model();
        QCOMPARE(rows->rowCount(), 3);
        const QLocale locale;
        const QStringList expected[] = {{u"ivan"_s, locale.formattedDataSize(4 * MiB), u"2"_s},
                                        {u"(deleted user)"_s, locale.formattedDataSize(2 * MiB), u"1"_s},
                                        {u"hana"_s, locale.formattedDataSize(1000), u"1"_s}};
        for (int row = 0; row < 3; ++row) {
            for (int column = 0; column < 3; ++column)
                QCOMPARE(rows->index(row, column).data().toString(), expected[row].at(column));
        }
        QCOMPARE(rows->index(0, 1).data(Qt::ToolTipRole).toString(), u"%1 bytes"_s.arg(locale.toString(4 * MiB)));

        // New limits, entered in units: applied by the server to the next upload.
        child<QComboBox>(maxFile, u"unit"_s)->setCurrentIndex(2);           // MiB
        child<QDoubleSpinBox>(maxFile, u"number"_s)->setValue(2.5);
        child<QComboBox>(userQuota, u"unit"_s)->setCurrentIndex(3);         // GiB
        child<QDoubleSpinBox>(userQuota, u"number"_s)->setValue(10);
        QSignalSpy loaded(files, &FilesPage::limitsLoaded);
        child<QPushButton>(files, u"applyLimits"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(files->limits().value(u"max_file"_s).toInteger(), 2 * MiB + MiB / 2);
        QCOMPARE(files->limits().value(u"user_quota"_s).toInteger(), 10 * GiB);
        QVERIFY(window.statusBar()->currentMessage().contains(u"saved"_s));
        QCOMPARE(maxFile->bytes(), 2 * MiB + MiB / 2);
        QCOMPARE(child<QComboBox>(maxFile, u"unit"_s)->currentText(), u"KiB"_s);      // 2560 KiB
        QCOMPARE(startUpload(hana, 3 * MiB), u"quota"_s);
        QCOMPARE(startUpload(hana, 2 * MiB), u"blob_started"_s);

        // Out of range (0, and more than 2^50 bytes): refused in words, nothing sent.
        child<QDoubleSpinBox>(maxFile, u"number"_s)->setValue(0);
        child<QPushButton>(files, u"applyLimits"_s)->click();
        QTRY_COMPARE_WITH_TIMEOUT(window.statusBar()->currentMessage(),
                                  u"Error: The largest file must be from 1 byte to 1024 TiB."_s, UiWaitMs);
        maxFile->setBytes(MiB);
        child<QComboBox>(userQuota, u"unit"_s)->setCurrentIndex(4);         // TiB
        child<QDoubleSpinBox>(userQuota, u"number"_s)->setValue(1024.01);
        child<QPushButton>(files, u"applyLimits"_s)->click();
        QTRY_COMPARE_WITH_TIMEOUT(window.statusBar()->currentMessage(),
                                  u"Error: The quota per user must be from 1 byte to 1024 TiB."_s, UiWaitMs);
        child<QDoubleSpinBox>(userQuota, u"number"_s)->setValue(1024);       // 2^50 bytes, the most there is
        loaded.clear();
        child<QPushButton>(files, u"applyLimits"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(files->limits().value(u"max_file"_s).toInteger(), MiB);
        QCOMPARE(files->limits().value(u"user_quota"_s).toInteger(), qint64(1) << 50);

        // Refresh: the new upload is counted.
        QSignalSpy usage(files, &FilesPage::usageLoaded);
        child<QPushButton>(files, u"refreshFiles"_s)->click();
        QVERIFY(usage.wait(UiWaitMs));
        QCOMPARE(rows->index(0, 0).data().toString(), u"ivan"_s);
        QCOMPARE(rows->index(1, 0).data().toString(), u"hana"_s);
        QCOMPARE(rows->index(1, 2).data().toString(), u"2"_s);
        QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(files, u"blobCount"_s)->text(), u"5"_s, UiWaitMs);
    }

    // An admin listener with require_client_certificate=true and a certificate authority made here.
    void clientCertificate()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto writeFile = [&dir](const QString &name, QByteArrayView data) {
            QFile f(dir.filePath(name));
            if (!f.open(QIODevice::WriteOnly) || f.write(data.data(), data.size()) != data.size())
                return QString();
            return f.fileName();
        };
        auto ca = crypto::generateCertificateAuthority(u"Parley test admin CA"_s, 30);
        QVERIFY2(ca, ca ? "" : qPrintable(ca.error().message));
        auto otherCa = crypto::generateCertificateAuthority(u"Parley test admin CA"_s, 30);   // same name, other key
        QVERIFY(otherCa);
        auto issued = crypto::issueClientCertificate(ca->certificatePem, ca->privateKeyPem.view(), u"operator"_s, 30);
        auto second = crypto::issueClientCertificate(ca->certificatePem, ca->privateKeyPem.view(), u"second"_s, 30);
        auto foreign = crypto::issueClientCertificate(otherCa->certificatePem, otherCa->privateKeyPem.view(), u"intruder"_s, 30);
        QVERIFY(issued && second && foreign);
        const QString caFile = writeFile(u"client-ca.pem"_s, ca->certificatePem);
        const QString certFile = writeFile(u"operator.pem"_s, issued->certificatePem);
        const QString keyFile = writeFile(u"operator.key"_s, issued->privateKeyPem.view());
        const QString otherKeyFile = writeFile(u"second.key"_s, second->privateKeyPem.view());
        const QString foreignCertFile = writeFile(u"intruder.pem"_s, foreign->certificatePem);
        const QString foreignKeyFile = writeFile(u"intruder.key"_s, foreign->privateKeyPem.view());
        const QByteArray passphrase = "passphrase of the operator key";
        const QString encryptedKeyFile = writeFile(
            u"operator-encrypted.key"_s,
            QSslKey(issued->privateKeyPem.view().toByteArray(), QSsl::Ec, QSsl::Pem).toPem(passphrase));
        for (const QString &file : {caFile, certFile, keyFile, otherKeyFile, foreignCertFile, foreignKeyFile, encryptedKeyFile})
            QVERIFY(!file.isEmpty());
        QVERIFY(e2e::Daemon::readFile(encryptedKeyFile).contains("ENCRYPTED"));

        e2e::Daemon daemon(u"[admin]\nlisten=127.0.0.1:0\nrequire_client_certificate=true\nclient_ca=%1\n\n"_s.arg(caFile));
        QVERIFY(daemon.start());
        QTRY_VERIFY_WITH_TIMEOUT(e2e::Daemon::readFile(daemon.stdoutFile()).contains("admin wss://"), UiWaitMs);
        const auto match = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s)
                               .match(QString::fromUtf8(e2e::Daemon::readFile(daemon.stdoutFile())));
        QVERIFY(match.hasMatch());
        const QString server = match.captured(1);
        const QString password = QString::fromUtf8(e2e::Daemon::readFile(daemon.dataDir() + u"/initial-admin-password"_s)).trimmed();
        QVERIFY(!password.isEmpty());
        // Certificate trust of the server is tested elsewhere; here it is pinned from the start.
        CertificatePins::pin(server, daemon.fingerprint());

        MainWindow window;
        window.start();
        ConnectDialog *dialog = window.connectDialog();
        auto *status = child<QLabel>(dialog, u"status"_s);
        auto *box = child<QGroupBox>(dialog, u"clientCertBox"_s);
        auto *certEdit = child<QLineEdit>(dialog, u"clientCertFile"_s);
        auto *keyEdit = child<QLineEdit>(dialog, u"clientKeyFile"_s);
        auto *passphraseEdit = child<QLineEdit>(dialog, u"clientKeyPassphrase"_s);
        auto *connectButton = child<QPushButton>(dialog, u"connectButton"_s);
        QVERIFY(box->isCheckable());
        QVERIFY(!box->isChecked());
        QVERIFY(!certEdit->accessibleName().isEmpty() && !keyEdit->accessibleName().isEmpty()
                && !passphraseEdit->accessibleName().isEmpty());
        child<QComboBox>(dialog, u"server"_s)->setEditText(server);
        child<QLineEdit>(dialog, u"adminName"_s)->setText(u"admin"_s);
        child<QLineEdit>(dialog, u"password"_s)->setText(password);

        // Without a certificate the server refuses the handshake, and the dialog says why.
        connectButton->click();
        QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(u"requires a client certificate"_s), qPrintable(status->text()), UiWaitMs);
        QVERIFY(connectButton->isEnabled());
        QVERIFY(!window.isVisible());

        // A key that does not belong to the certificate is refused before anything goes to the server.
        box->setChecked(true);
        child<QPushButton>(dialog, u"clientCertChoose"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->findChild<QFileDialog *>(), UiWaitMs);
        auto *chooser = dialog->findChild<QFileDialog *>();
        chooser->selectFile(certFile);
        QVERIFY(QMetaObject::invokeMethod(chooser, "accept"));
        QTRY_COMPARE_WITH_TIMEOUT(certEdit->text(), certFile, UiWaitMs);
        keyEdit->setText(otherKeyFile);
        connectButton->click();
        QVERIFY2(status->text().contains(u"does not belong to the certificate"_s), qPrintable(status->text()));
        QCOMPARE(window.client()->state(), AdminClient::State::Disconnected);
        QVERIFY(connectButton->isEnabled());

        // Files that are not what they should be are explained in words, before connecting too.
        certEdit->setText(dir.filePath(u"missing.pem"_s));
        keyEdit->setText(keyFile);
        connectButton->click();
        QVERIFY2(status->text().startsWith(u"Cannot read missing.pem"_s), qPrintable(status->text()));
        certEdit->setText(keyFile);
        connectButton->click();
        QVERIFY2(status->text().contains(u"does not contain a certificate"_s), qPrintable(status->text()));
        certEdit->setText(certFile);
        keyEdit->setText(certFile);
        connectButton->click();
        QVERIFY2(status->text().contains(u"does not contain a private key"_s), qPrintable(status->text()));
        // An encrypted key needs its passphrase, and the right one.
        keyEdit->setText(encryptedKeyFile);
        connectButton->click();
        QVERIFY2(status->text().contains(u"enter its passphrase"_s), qPrintable(status->text()));
        passphraseEdit->setText(u"not the passphrase"_s);
        connectButton->click();
        QVERIFY2(status->text().contains(u"passphrase of the private key"_s) && status->text().contains(u"wrong"_s),
                 qPrintable(status->text()));
        QCOMPARE(window.client()->state(), AdminClient::State::Disconnected);

        // A certificate from another authority gets through the checks here but not through the server's.
        certEdit->setText(foreignCertFile);
        keyEdit->setText(foreignKeyFile);
        passphraseEdit->clear();
        connectButton->click();
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(u"refused the client certificate"_s), UiWaitMs);
        QVERIFY(!window.isVisible());

        // The issued certificate with its (encrypted) key connects: the one-time password leads to the password change.
        certEdit->setText(certFile);
        keyEdit->setText(encryptedKeyFile);
        passphraseEdit->setText(QString::fromUtf8(passphrase));
        connectButton->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.passwordDialog() && window.passwordDialog()->isVisible(), UiWaitMs);
        QVERIFY(window.client()->hasClientCertificate());
        QCOMPARE(window.client()->state(), AdminClient::State::Connected);

        // The two paths are remembered for this server; neither the key nor the passphrase is stored.
        QSettings().sync();
        QDirIterator files(m_settings.path(), QDir::Files, QDirIterator::Subdirectories);
        bool pathsStored = false;
        while (files.hasNext()) {
            const QByteArray content = e2e::Daemon::readFile(files.next());
            QVERIFY(!content.contains("PRIVATE KEY") && !content.contains(passphrase));
            pathsStored = pathsStored || (content.contains(certFile.toUtf8()) && content.contains(encryptedKeyFile.toUtf8()));
        }
        QVERIFY(pathsStored);
        {
            MainWindow next;
            next.start();
            ConnectDialog *nextDialog = next.connectDialog();
            QCOMPARE(child<QComboBox>(nextDialog, u"server"_s)->currentText(), server);
            QVERIFY(child<QGroupBox>(nextDialog, u"clientCertBox"_s)->isChecked());
            QCOMPARE(child<QLineEdit>(nextDialog, u"clientCertFile"_s)->text(), certFile);
            QCOMPARE(child<QLineEdit>(nextDialog, u"clientKeyFile"_s)->text(), encryptedKeyFile);
            QVERIFY(child<QLineEdit>(nextDialog, u"clientKeyPassphrase"_s)->text().isEmpty());
            // Another server has no client certificate: the remembered one is not offered to it.
            child<QComboBox>(nextDialog, u"server"_s)->setEditText(m_adminServer);
            QVERIFY(!child<QGroupBox>(nextDialog, u"clientCertBox"_s)->isChecked());
            QVERIFY(child<QLineEdit>(nextDialog, u"clientCertFile"_s)->text().isEmpty());
        }
        // The other tests expect their own server at the top of the recent list.
        QSettings settings;
        QStringList recent = settings.value(u"recentServers"_s).toStringList();
        recent.removeAll(server);
        settings.setValue(u"recentServers"_s, recent);
        CertificatePins::forget(server);
    }

    // Last: replaces the server's certificate.
    void pinningRefusesChangedCertificate()
    {
        auto generated = crypto::generateSelfSignedCertificate(u"parley test"_s, {u"localhost"_s}, {QHostAddress::LocalHost}, 30);
        QVERIFY(generated);
        QTemporaryDir dir;
        const QString certPath = dir.filePath(u"cert.pem"_s);
        const QString keyPath = dir.filePath(u"key.pem"_s);
        QFile cert(certPath);
        QVERIFY(cert.open(QIODevice::WriteOnly));
        cert.write(generated->certificatePem);
        cert.close();
        QFile key(keyPath);
        QVERIFY(key.open(QIODevice::WriteOnly));
        key.write(generated->privateKeyPem.view().toByteArray());
        key.close();
        const QString newFingerprint = QString::fromLatin1(
            QSslCertificate(generated->certificatePem).digest(QCryptographicHash::Sha256).toHex());
        QVERIFY(newFingerprint != m_daemon->fingerprint());

        {
            MainWindow window;
            QVERIFY(login(window));
            auto *certs = qobject_cast<CertificatesPage *>(window.page(u"certificatesPage"_s));
            QVERIFY(certs);
            window.showPage(certs);
            child<QLineEdit>(certs, u"certFile"_s)->setText(certPath);
            child<QLineEdit>(certs, u"keyFile"_s)->setText(keyPath);
            child<QPushButton>(certs, u"installButton"_s)->click();
            QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(newFingerprint), UiWaitMs);
        }

        MainWindow window;
        window.start();
        submitLogin(window, m_password);
        ConnectDialog *dialog = window.connectDialog();
        auto *changedBox = child<QGroupBox>(dialog, u"changedBox"_s);
        QTRY_VERIFY_WITH_TIMEOUT(changedBox->isVisible(), UiWaitMs);
        QVERIFY(!child<QGroupBox>(dialog, u"trustBox"_s)->isVisible());
        const QString warning = child<QLabel>(dialog, u"changedText"_s)->text();
        QVERIFY(warning.contains(AdminClient::formatFingerprint(m_daemon->fingerprint())));
        QVERIFY(warning.contains(AdminClient::formatFingerprint(newFingerprint)));
        QVERIFY(!window.isVisible());
        QCOMPARE(window.client()->state(), AdminClient::State::Disconnected);
        // The pin is unchanged until the administrator explicitly re-trusts.
        QCOMPARE(CertificatePins::pinned(m_adminServer), m_daemon->fingerprint());
        auto *retrust = child<QPushButton>(dialog, u"retrustButton"_s);
        QVERIFY(!retrust->isEnabled());
        child<QCheckBox>(dialog, u"changedConfirm"_s)->setChecked(true);
        QVERIFY(retrust->isEnabled());
        QSignalSpy ready(&window, &MainWindow::ready);
        retrust->click();
        QVERIFY(ready.wait(UiWaitMs));
        QCOMPARE(CertificatePins::pinned(m_adminServer), newFingerprint);
    }
};

int main(int argc, char **argv)
{
    return adminAppMain<TestAdminPages>(argc, argv, u"tst_adminpages"_s);
}

#include "tst_adminpages.moc"
