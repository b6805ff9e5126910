// parley-admin's Directory page driven against a real parleyd over TLS (QT_QPA_PLATFORM=offscreen) and a real
// slapd: the settings, dry runs and syncs of a logged-in window. The other pages run in tst_adminpages,
// tst_adminbotspage and tst_adminssopage.

#include "adminappfixture.h"
#include "../directory/ldapfixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::admin;
using namespace parley::admin::test;

class TestAdminDirectoryPage : public AdminAppTest {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { startDaemonPastFirstLogin(); }

    void cleanupTestCase() { m_daemon.reset(); }

    // The Directory page against a real slapd (tests/directory/ldapfixture.h): the form's own checks and the
    // server's refusals beside their fields, a CA certificate from a file, a dry run, a sync with the new users' codes,
    // the linked users, a directory that cannot be reached, and removing the settings.
    void directorySettingsSyncAndErrors()
    {
        e2e::Slapd ldap;
        QVERIFY(ldap.start());
        const QString people = u"dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n"
                               "dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n\n"
                               "dn: ou=groups,dc=example,dc=org\nobjectClass: organizationalUnit\nou: groups\n\n"_s;
        QVERIFY(ldap.add(people + e2e::Slapd::userLdif(u"mira"_s, u"Mira Moss"_s) + e2e::Slapd::userLdif(u"nils"_s, u"Nils Nagel"_s)
                         + e2e::Slapd::userLdif(u"Olga Ohm"_s, u"Olga Ohm"_s)
                         + u"dn: cn=ops,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: ops\nmember: %1\n\n"_s
                               .arg(e2e::Slapd::userDn(u"mira"_s))));
        QTemporaryDir dir;
        const QString keyFile = dir.filePath(u"ca-with-key.pem"_s);
        {
            QFile f(keyFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(e2e::Daemon::readFile(ldap.caFile()) + e2e::Daemon::readFile(ldap.dir() + u"/ca.key"_s));
        }

        MainWindow window;
        QVERIFY(login(window));
        auto *page = openPage<DirectoryPage>(window, u"directoryPage"_s, &DirectoryPage::settingsLoaded);
        QVERIFY(page);
        QCOMPARE(page->settings().value(u"configured"_s).toBool(), false);
        QVERIFY(child<QLabel>(page, u"directoryState"_s)->text().contains(u"Not set up"_s));
        QVERIFY(!child<QPushButton>(page, u"directoryDryRun"_s)->isEnabled());
        DirectoryForm *form = page->form();
        FieldErrors *errors = form->errors();
        auto save = child<QPushButton>(page, u"directorySave"_s);
        auto *bar = window.statusBar();

        // The form's own checks: nothing is sent without a URL, a CA and a base DN.
        save->click();
        QVERIFY2(errors->shown(u"url"_s).contains(u"ldaps://"_s), qPrintable(errors->shown(u"url"_s)));
        QVERIFY(child<QLabel>(form, u"error_url"_s)->isVisible());
        child<QLineEdit>(form, u"directoryUrl"_s)->setText(u"ldap://127.0.0.1:%1"_s.arg(ldap.ldapPort()));
        save->click();
        QVERIFY(!errors->shown(u"ca_certificate"_s).isEmpty());
        QVERIFY(errors->shown(u"url"_s).isEmpty());
        // A CA file with a private key in it is refused before it is sent; the CA's certificate is read and shown.
        QVERIFY(!form->readCaFile(keyFile));
        QVERIFY2(errors->shown(u"ca_certificate"_s).contains(u"private key"_s), qPrintable(errors->shown(u"ca_certificate"_s)));
        child<QPushButton>(form, u"directoryCaChoose"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(page->findChild<QFileDialog *>(), UiWaitMs);
        auto *chooser = page->findChild<QFileDialog *>();
        chooser->selectFile(ldap.caFile());
        QVERIFY(QMetaObject::invokeMethod(chooser, "accept"));
        auto *caInfo = child<QLabel>(form, u"directoryCaInfo"_s);
        QTRY_VERIFY_WITH_TIMEOUT(caInfo->text().contains(u"Parley test directory CA"_s), UiWaitMs);
        const QString caFingerprint = QString::fromLatin1(
            QSslCertificate::fromPath(ldap.caFile()).value(0).digest(QCryptographicHash::Sha256).toHex());
        QVERIFY(caInfo->text().contains(caFingerprint));
        child<QLineEdit>(form, u"directoryBindDn"_s)->setText(e2e::Slapd::RootDn);
        child<QLineEdit>(form, u"directoryPassword"_s)->setText(e2e::Slapd::RootPassword);
        save->click();
        QVERIFY2(errors->shown(u"base_dn"_s).contains(u"base DN"_s), qPrintable(errors->shown(u"base_dn"_s)));

        // The server's refusals, each beside its field: ldap:// without StartTLS, a base DN that is no DN.
        child<QLineEdit>(form, u"directoryBaseDn"_s)->setText(u"not a dn"_s);
        save->click();
        QTRY_VERIFY_WITH_TIMEOUT(!errors->shown(u"url"_s).isEmpty(), UiWaitMs);
        QVERIFY2(errors->shown(u"url"_s).contains(u"starttls"_s), qPrintable(errors->shown(u"url"_s)));
        QVERIFY(child<QLabel>(form, u"error_url"_s)->isVisible());
        QVERIFY(bar->currentMessage().startsWith(u"Error:"_s));
        child<QLineEdit>(form, u"directoryUrl"_s)->setText(u"ldaps://127.0.0.1:%1"_s.arg(ldap.ldapsPort()));
        save->click();
        QTRY_VERIFY_WITH_TIMEOUT(!errors->shown(u"base_dn"_s).isEmpty(), UiWaitMs);
        QVERIFY2(errors->shown(u"base_dn"_s).contains(u"distinguished name"_s), qPrintable(errors->shown(u"base_dn"_s)));
        QVERIFY(errors->shown(u"url"_s).isEmpty());
        QCOMPARE(page->settings().value(u"configured"_s).toBool(), false);

        // Saved: users from inetOrgPerson entries, disabled by employeeType, the group ops mapped to a room.
        child<QLineEdit>(form, u"directoryBaseDn"_s)->setText(e2e::Slapd::Base);
        child<QLineEdit>(form, u"directoryUserFilter"_s)->setText(u"(objectClass=inetOrgPerson)"_s);
        child<QComboBox>(form, u"directoryDisabledMode"_s)->setCurrentIndex(2);
        child<QLineEdit>(form, u"directoryDisabledAttribute"_s)->setText(u"employeeType"_s);
        child<QLineEdit>(form, u"directoryDisabledValue"_s)->setText(u"disabled"_s);
        child<QLineEdit>(form, u"directoryGroupFilter"_s)->setText(u"(objectClass=groupOfNames)"_s);
        child<QPushButton>(form, u"directoryAddRoom"_s)->click();
        auto *rooms = child<QTableWidget>(form, u"directoryRooms"_s);
        rooms->item(0, 0)->setText(u"ops"_s);
        rooms->item(0, 1)->setText(u"ops-room"_s);
        QSignalSpy loaded(page, &DirectoryPage::settingsLoaded);
        save->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(page->settings().value(u"configured"_s).toBool(), true);
        QCOMPARE(page->settings().value(u"password_set"_s).toBool(), true);
        QCOMPARE(page->settings().value(u"rooms"_s).toArray(), QCborArray{u"ops=ops-room"_s});
        QVERIFY(!QCborValue(page->settings()).toCbor().contains(e2e::Slapd::RootPassword.toUtf8()));
        QVERIFY(child<QLineEdit>(form, u"directoryPassword"_s)->text().isEmpty());
        QVERIFY(child<QLabel>(form, u"directoryPasswordState"_s)->text().contains(u"password is set"_s));
        QVERIFY(child<QLabel>(form, u"directoryCaInfo"_s)->text().contains(caFingerprint));
        QVERIFY(child<QPushButton>(page, u"directoryDryRun"_s)->isEnabled());

        // A dry run: what would change, changing nothing.
        SyncReportView *report = page->reportView();
        auto *changes = report->findChild<RecordModel *>(u"changesModel"_s);
        QSignalSpy finished(page, &DirectoryPage::syncFinished);
        child<QPushButton>(page, u"directoryDryRun"_s)->click();
        QVERIFY(finished.wait(UiWaitMs));
        QCOMPARE(finished.last().at(0).toBool(), true);
        QVERIFY2(child<QLabel>(report, u"syncSummary"_s)->text().contains(u"Would create 2,"_s),
                 qPrintable(child<QLabel>(report, u"syncSummary"_s)->text()));
        QCOMPARE(changes->rowCount(), 2);
        QCOMPARE(changes->record(0).value(u"name"_s).toString(), u"mira"_s);
        QCOMPARE(changes->index(0, 1).data().toString(), u"create user"_s);
        QCOMPARE(changes->index(0, 3).data().toString(), u"new in the directory"_s);
        QCOMPARE(report->findChild<RecordModel *>(u"codesModel"_s)->rowCount(), 0);
        auto *skipped = report->findChild<RecordModel *>(u"skippedModel"_s);
        QCOMPARE(skipped->rowCount(), 1);
        QCOMPARE(skipped->record(0).value(u"value"_s).toString(), u"Olga Ohm"_s);
        auto *roomDiff = report->findChild<RecordModel *>(u"roomsDiffModel"_s);
        QCOMPARE(roomDiff->rowCount(), 1);
        QVERIFY(roomDiff->record(0).value(u"problem"_s).toString().contains(u"no such room"_s));
        QCOMPARE(roomDiff->index(0, 2).data().toString(), u"mira"_s);
        QVERIFY(!adminCallResult(window, u"user.list"_s).value_or(QCborMap()).toCborValue().toDiagnosticNotation().contains(u"mira"_s));

        // The sync asks first, then creates the users; their codes are shown with links and a QR code.
        child<QPushButton>(page, u"directorySyncNow"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(page->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        QSignalSpy usersLoaded(page, &DirectoryPage::usersLoaded);
        page->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Yes)->click();
        QVERIFY(finished.wait(UiWaitMs));
        QCOMPARE(finished.last().at(0).toBool(), true);
        auto *codes = report->findChild<RecordModel *>(u"codesModel"_s);
        QCOMPARE(codes->rowCount(), 2);
        QStringList codeNames;
        for (int row = 0; row < codes->rowCount(); ++row) {
            codeNames << codes->record(row).value(u"name"_s).toString();
            QVERIFY(!codes->record(row).value(u"code"_s).toString().isEmpty());
            QVERIFY(codes->record(row).value(u"link"_s).toString().startsWith(u"parley://enroll"_s));
        }
        QCOMPARE(codeNames, (QStringList{u"mira"_s, u"nils"_s}));
        child<QPushButton>(report, u"copyCodes"_s)->click();
        QVERIFY(QGuiApplication::clipboard()->text().contains(codes->record(0).value(u"code"_s).toString()));
        report->findChild<QTableView *>(u"codesTable"_s)->selectRow(1);
        child<QPushButton>(report, u"showCodeQr"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(report->findChild<EnrollmentDialog *>(), UiWaitMs);
        QCOMPARE(report->findChild<EnrollmentDialog *>()->code(), codes->record(1).value(u"code"_s).toString());
        report->findChild<EnrollmentDialog *>()->close();
        QVERIFY(usersLoaded.wait(UiWaitMs) || !usersLoaded.isEmpty());
        auto *linked = page->findChild<RecordModel *>(u"linkedUsersModel"_s);
        QTRY_COMPARE_WITH_TIMEOUT(linked->rowCount(), 2, UiWaitMs);
        QCOMPARE(linked->record(0).value(u"display_name"_s).toString(), u"Mira Moss"_s);
        QCOMPARE(linked->index(0, 2).data().toString(), u"waiting for enrollment"_s);
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(page, u"directoryLastSync"_s)->text().contains(u"2 created"_s), UiWaitMs);

        // A directory that cannot be reached: the CA is kept from the server's settings, the dry run fails in words.
        const quint16 closed = e2e::freeTcpPort();
        child<QLineEdit>(form, u"directoryUrl"_s)->setText(u"ldaps://127.0.0.1:%1"_s.arg(closed));
        loaded.clear();
        save->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(page->settings().value(u"url"_s).toString(), u"ldaps://127.0.0.1:%1"_s.arg(closed));
        QCOMPARE(page->settings().value(u"ca_fingerprint"_s).toString(), caFingerprint);
        child<QPushButton>(page, u"directoryDryRun"_s)->click();
        QVERIFY(finished.wait(UiWaitMs));
        QCOMPARE(finished.last().at(0).toBool(), false);
        QVERIFY2(bar->currentMessage().contains(u"connect"_s), qPrintable(bar->currentMessage()));
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(page, u"directoryLastSync"_s)->text().contains(u"failed"_s), UiWaitMs);
        QVERIFY(child<QPushButton>(page, u"directoryDryRun"_s)->isEnabled());

        // Removing the settings asks first; the linked users stay.
        child<QPushButton>(page, u"directoryClear"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(page->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        loaded.clear();
        page->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Yes)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(page->settings().value(u"configured"_s).toBool(), false);
        QVERIFY(!child<QPushButton>(page, u"directoryDryRun"_s)->isEnabled());
        QVERIFY(adminCallResult(window, u"user.list"_s).value_or(QCborMap()).toCborValue().toDiagnosticNotation().contains(u"mira"_s));
    }
};

int main(int argc, char **argv)
{
    return adminAppMain<TestAdminDirectoryPage>(argc, argv, u"tst_admindirectorypage"_s);
}

#include "tst_admindirectorypage.moc"
