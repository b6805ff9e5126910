<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>DurationText</name>
    <message numerus="yes">
        <location filename="../admin-gui/durationtext.cpp" line="19"/>
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/durationtext.cpp" line="24"/>
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n hour</numerusform>
            <numerusform>%n hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/durationtext.cpp" line="29"/>
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/durationtext.cpp" line="34"/>
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n second</numerusform>
            <numerusform>%n seconds</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/durationtext.cpp" line="45"/>
        <source>%1 %2</source>
        <extracomment>a duration in two units, e.g. &quot;3 days&quot; and &quot;4 hours&quot;</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerHistory</name>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="43"/>
        <source>The server&apos;s history could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="82"/>
        <source>“%1” is missing or has the wrong type.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="107"/>
        <source>its interval (%1 s) or retention (%2 s) is out of range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="111"/>
        <source>its clock (“now”) is out of range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="121"/>
        <source>it holds more than %1 samples.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="127"/>
        <source>its times are not in order, or later than its clock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="139"/>
        <source>“%1” has %2 values for %3 times.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="149"/>
        <source>value %1 of “%2” is not a number of the right kind.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerWarning</name>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="41"/>
        <source>the server</source>
        <extracomment>The listeners complete &quot;The certificate of %1 …&quot; (in German the genitive: &quot;des Servers&quot;).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="43"/>
        <source>the device listener</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="45"/>
        <source>the admin listener</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="46"/>
        <source>the listener “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="68"/>
        <source>The certificate of %1 expired on %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/serverwarning.cpp" line="69"/>
        <source>The certificate of %1 expires in %n day(s), on %2.</source>
        <translation>
            <numerusform>The certificate of %1 expires in %n day, on %2.</numerusform>
            <numerusform>The certificate of %1 expires in %n days, on %2.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="73"/>
        <source>Replace the files that [admin] certificate and private_key name in parleyd.conf, and reload them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="75"/>
        <source>Install a new one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="88"/>
        <source>Only %1 of %2 (%3%) is free on the disk that holds %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/serverwarning.cpp" line="99"/>
        <source>Push wake-ups through %1 are failing (%n failed attempt(s)).</source>
        <translation>
            <numerusform>Push wake-ups through %1 are failing (%n failed attempt).</numerusform>
            <numerusform>Push wake-ups through %1 are failing (%n failed attempts).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/serverwarning.cpp" line="102"/>
        <source>%n wake-up(s) were given up.</source>
        <translation>
            <numerusform>%n wake-up was given up.</numerusform>
            <numerusform>%n wake-ups were given up.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="103"/>
        <source>Check the credentials and the messaging proxy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="110"/>
        <source>The storage under the database is failing (a full disk, an I/O error or a read-only file system): every write is refused until it recovers. Free space or repair the file system.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="114"/>
        <source>The database&apos;s last commit failed and its writes were refused. The event log&apos;s parley.store lines say why.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="120"/>
        <source>%1 writes wait for the database, over half of the %2 allowed: the disk does not keep up, and once the queue is full, messages are refused as busy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="134"/>
        <source>The thread “%1” of parleyd on %2 has not answered for %3: what it serves hangs. Keep the log for a bug report and restart parleyd.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="145"/>
        <source>The directory sync failed at %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="191"/>
        <source>The server reports a problem (%1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../admin-gui/main.cpp" line="26"/>
        <source>Administration of a Parley messaging server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/main.cpp" line="29"/>
        <source>User interface language (en, de); default: the system&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::AdminClient</name>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="126"/>
        <source>This server requires a client certificate. Choose your certificate and its key under &quot;Client certificate&quot; and connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="128"/>
        <source>The server closed the connection before the login could start. If it requires a client certificate, choose yours under &quot;Client certificate&quot; and connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="132"/>
        <source>The server refused the client certificate: it has expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="134"/>
        <source>The server refused the client certificate: it has been revoked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="135"/>
        <source>The server refused the client certificate. It must be issued by the certificate authority the server trusts for administrators (client_ca).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="145"/>
        <source>The server&apos;s certificate was not accepted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="192"/>
        <source>The server address must look like host:port, for example admin.example.com:8444.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="68"/>
        <source>The server&apos;s certificate expired on %1 (valid from %2). Install a new certificate on the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="73"/>
        <source>The server&apos;s certificate is valid only from %1 (until %2). Check the clocks of this computer and of the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="78"/>
        <source>The server&apos;s certificate was not accepted: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="285"/>
        <source>The connection to the server was lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="287"/>
        <source>The server did not answer in time. Please try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="289"/>
        <source>The server sent an answer this app does not understand.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="291"/>
        <source>Wrong name or password, or your session has expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="293"/>
        <source>This account needs a one-time code from your authenticator app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="295"/>
        <source>Too many failed attempts; the account is locked for a while.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="297"/>
        <source>You must choose a new password first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="299"/>
        <source>You are not allowed to do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="301"/>
        <source>It does not exist (any more).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="303"/>
        <source>It already exists or conflicts with the current state.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="305"/>
        <source>The server refused the input.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="307"/>
        <source>The server cannot do this right now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="309"/>
        <source>The server does not support this function.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="311"/>
        <source>The server reported an internal error.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="313"/>
        <source>(Details: %1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::AdminsPage</name>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="45"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="46"/>
        <source>TOTP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="47"/>
        <source>Must change password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="48"/>
        <source>Locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="49"/>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="53"/>
        <source>Admin accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="58"/>
        <source>Accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="60"/>
        <source>New admin name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="61"/>
        <source>name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="64"/>
        <source>One-time password for the new admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="65"/>
        <source>one-time password (12+ characters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="66"/>
        <source>&amp;Create admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="69"/>
        <source>New one-time password for the selected admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="70"/>
        <source>new one-time password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="71"/>
        <source>&amp;Set password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="72"/>
        <source>&amp;Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="73"/>
        <source>Turn TOTP &amp;off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="84"/>
        <source>New admin:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="85"/>
        <source>Selected admin:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="87"/>
        <source>Two-factor login (TOTP) for your account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="88"/>
        <source>&amp;Start TOTP enrolment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="92"/>
        <source>QR code for the authenticator app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="99"/>
        <source>Current code from the authenticator app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="100"/>
        <source>6-digit code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="102"/>
        <source>&amp;Confirm and turn on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="127"/>
        <source>Admin %1 created; they must choose their own password at the first login.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="137"/>
        <source>Select an admin first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="144"/>
        <source>%1 has a new one-time password and was logged out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="153"/>
        <source>Delete the admin account %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="157"/>
        <source>Admin %1 was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="166"/>
        <source>Turn off two-factor login for %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="170"/>
        <source>TOTP is off for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="179"/>
        <source>Scan the QR code with your authenticator app, or enter this secret: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="189"/>
        <source>Two-factor login is on. From now on you log in with a code from your app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="203"/>
        <source>Administrators</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::AuditPage</name>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="27"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="28"/>
        <source>Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="29"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="30"/>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="31"/>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="38"/>
        <source>administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="39"/>
        <source>Filter by administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="42"/>
        <source>action, e.g. user.create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="43"/>
        <source>Filter by action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="44"/>
        <source>&amp;Filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="45"/>
        <source>E&amp;xport CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="53"/>
        <source>Audit records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="68"/>
        <source>Export the audit log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="68"/>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="78"/>
        <source>Audit log</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::BotDialog</name>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="88"/>
        <source>A bot&apos;s name ends in .bot, e.g. alerts.bot.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="90"/>
        <source>Use lower case letters only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="92"/>
        <source>A bot&apos;s name must end in .bot, e.g. %1.bot.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="94"/>
        <source>Only a-z, 0-9, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit, at most 64 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="96"/>
        <source>The name is fine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="124"/>
        <source>Room %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="124"/>
        <source>User %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="134"/>
        <source>&quot;%1&quot; is not a user or room name (a-z, 0-9, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="139"/>
        <source>A scope holds at most %1 users and rooms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="155"/>
        <source>At most %1 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="160"/>
        <source>Choose &quot;Anyone&quot;, or add at least one user or room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="165"/>
        <source>The expiry must be in the future. To end a bot at once, revoke it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="185"/>
        <source>Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="198"/>
        <source>Creating the bot …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="198"/>
        <source>Saving …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="207"/>
        <source>A user or bot of this name exists, or has an enrollment code pending.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="233"/>
        <source>New bot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="233"/>
        <source>Change %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="236"/>
        <source>A bot is a service account for an integration. Its device makes its own keys when it enrolls with the one-time code shown next; the server holds it to the scope, rate and expiry set here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="239"/>
        <source>Changes apply to the bot&apos;s next message. An earlier expiry ends its live sessions at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="248"/>
        <source>Bot name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="249"/>
        <source>alerts.bot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="255"/>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="265"/>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="270"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="271"/>
        <source>what it does and who looks after it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="272"/>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="276"/>
        <source>&amp;Anyone: every user and every room it is a member of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="278"/>
        <source>&amp;Only these users and rooms:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="285"/>
        <source>Users and rooms the bot may send to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="289"/>
        <source>User or room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="290"/>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="291"/>
        <source>Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="294"/>
        <source>Name of the user or room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="295"/>
        <source>user or room name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="296"/>
        <source>A&amp;dd</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="298"/>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="311"/>
        <source>May send to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="325"/>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="333"/>
        <source>Its logins are refused from then on; at most ten years ahead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="335"/>
        <source>&amp;Expires:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="340"/>
        <source>Messages per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="343"/>
        <source>&amp;Rate (messages per second):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="346"/>
        <source>Burst</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="349"/>
        <source>&amp;Burst (messages):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="353"/>
        <source>Enrollment code valid for hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="356"/>
        <source> h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="358"/>
        <source>&amp;Code valid for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="367"/>
        <source>&amp;Create bot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="367"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::BotsPage</name>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="52"/>
        <source>anyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="54"/>
        <source>room %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="61"/>
        <source>%1/s, burst %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="72"/>
        <source>The one-time code of %1&apos;s device, shown only now. On the bot&apos;s host, enroll it with &quot;parley-bot --profile DIR enroll LINK&quot; (or scan the QR code with a device that runs the bot). Anyone with the code can enroll as this bot until it is used or expires; a lost code is replaced on the Users page (New enrollment code).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="85"/>
        <source>The bot %1 was created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="86"/>
        <source>The bot %1 was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="103"/>
        <source>Bots are service accounts for integrations: monitoring alerts, deploy notices, a help desk. Their devices hold their own keys like anyone&apos;s; the server holds each bot to whom it may send, how fast, and until when. Names ending in .bot are bots&apos; alone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="110"/>
        <location filename="../admin-gui/botspage.cpp" line="111"/>
        <source>Search bots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="113"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="114"/>
        <source>&amp;New bot…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="121"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="122"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="123"/>
        <source>May send to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="124"/>
        <source>Rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="125"/>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="126"/>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="127"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="137"/>
        <location filename="../admin-gui/botspage.cpp" line="195"/>
        <source>Bots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="144"/>
        <source>&amp;Change…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="146"/>
        <source>Re&amp;voke…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="148"/>
        <source>Suspend a bot for a while, or give its device a new code, on the Users page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="178"/>
        <source>Revoke %1? This is final and cannot be undone: its devices are revoked, its live sessions end at once and its pending enrollment codes are deleted. The name stays taken until the bot is deleted on the Users page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="183"/>
        <source>The bot %1 was revoked.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::CaCertificateField</name>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="43"/>
        <source>%1
SHA-256: %2
Valid until %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="48"/>
        <source>This certificate has expired: the server&apos;s certificate cannot be checked against it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="68"/>
        <source>CA certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="69"/>
        <source>corp-root-ca.pem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="71"/>
        <source>C&amp;hoose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="73"/>
        <source>Choose the CA certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="86"/>
        <source>Choose the CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="87"/>
        <source>PEM certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="112"/>
        <source>(the certificate the server has)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="121"/>
        <source>Could not read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="123"/>
        <source>%1 is larger than 64 KiB; it is not a CA certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="126"/>
        <source>%1 holds a private key. Choose the CA&apos;s certificate only; its key stays with the CA.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="129"/>
        <source>%1 holds no PEM certificate (-----BEGIN CERTIFICATE-----).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="135"/>
        <source>(from the file; sent when you save)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::CallsPage</name>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="41"/>
        <source>TURN relay for audio and video calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="42"/>
        <source>Devices get short-lived credentials for these TURN and STUN servers (coturn with use-auth-secret). The relay learns neither user names nor devices.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="47"/>
        <source>TURN and STUN URIs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="48"/>
        <source>turn:turn.example.com:3478?transport=udp
turns:turn.example.com:5349</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="53"/>
        <source>Credential lifetime in seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="56"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="60"/>
        <source>Shared secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="61"/>
        <source>static-auth-secret of turnserver.conf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="68"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="70"/>
        <source>Turn &amp;off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="78"/>
        <source>URIs (one per line):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="79"/>
        <source>Credential lifetime:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="80"/>
        <source>Shared secret:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="96"/>
        <source>Enter at least one TURN or STUN URI.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="100"/>
        <source>Enter the shared secret.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="110"/>
        <source>TURN settings saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="115"/>
        <source>Turn TURN off? Devices then get no relay credentials for calls, and the secret is removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="117"/>
        <source>TURN turned off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="128"/>
        <source>Calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="142"/>
        <source>Secret: set. Leave the field empty to keep it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="142"/>
        <source>Secret: not set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="145"/>
        <source>TURN is off: devices get no relay credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="147"/>
        <source>TURN is on. Changed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::CertificatesPage</name>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="43"/>
        <source>Could not read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="47"/>
        <source>%1 is too large for a PEM file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="57"/>
        <source>Choose the certificate file first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="71"/>
        <source>Certificate installed; new fingerprint %1. Administrators must confirm it at their next login.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="82"/>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="83"/>
        <source>Issuer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="84"/>
        <source>Valid from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="85"/>
        <source>Valid until</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="86"/>
        <source>SHA-256 fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="88"/>
        <source>Serving certificate chain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="91"/>
        <location filename="../admin-gui/certificatespage.cpp" line="168"/>
        <source>Certificate chain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="103"/>
        <source>&amp;Reload from disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="106"/>
        <source>Fingerprint:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="107"/>
        <source>Expires:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="108"/>
        <source>Admin API certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="115"/>
        <source>Install a certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="118"/>
        <source>Certificate chain file (PEM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="121"/>
        <source>Private key file (PEM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="122"/>
        <source>empty: the key generated with the last signing request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="123"/>
        <location filename="../admin-gui/certificatespage.cpp" line="125"/>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="124"/>
        <source>Choose the certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="126"/>
        <source>Choose the private key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="127"/>
        <source>&amp;Install and reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="136"/>
        <source>Certificate chain (PEM):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="137"/>
        <source>Private key (PEM):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="140"/>
        <source>New key and signing request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="142"/>
        <source>Common name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="143"/>
        <source>chat.example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="145"/>
        <source>Further DNS names</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="146"/>
        <source>comma-separated, optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="147"/>
        <source>&amp;Generate and save CSR…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="150"/>
        <source>Common name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="151"/>
        <source>DNS names:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="163"/>
        <source>Certificate and key reloaded from disk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="168"/>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="172"/>
        <source>Private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="172"/>
        <source>PEM files (*.pem *.key);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="178"/>
        <source>Enter the common name (the server&apos;s host name) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="187"/>
        <source>Save the signing request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="188"/>
        <source>Signing requests (*.csr *.pem)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="197"/>
        <source>Certificates</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/certificatespage.cpp" line="206"/>
        <source>%1 (%n day(s) left)</source>
        <translation>
            <numerusform>%1 (%n day left)</numerusform>
            <numerusform>%1 (%n days left)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="210"/>
        <source>The certificate has expired. Devices cannot connect until it is replaced.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/certificatespage.cpp" line="211"/>
        <source>The certificate expires in %n day(s). Replace it soon.</source>
        <translation>
            <numerusform>The certificate expires in %n day. Replace it soon.</numerusform>
            <numerusform>The certificate expires in %n days. Replace it soon.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="214"/>
        <source>the same as the serving certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="215"/>
        <source>%1, fingerprint %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::ClientIdentity</name>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="22"/>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="24"/>
        <source>%1 is too large for a PEM file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="40"/>
        <source>Choose both the client certificate file and its private key file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="49"/>
        <source>%1 does not contain a certificate in PEM format.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="58"/>
        <source>%1 does not contain a private key in PEM format.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="63"/>
        <source>The private key in %1 is encrypted: enter its passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="72"/>
        <source>The passphrase of the private key in %1 is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="73"/>
        <source>%1 does not contain a usable EC or RSA private key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="81"/>
        <source>The private key in %1 does not belong to the certificate in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="85"/>
        <source>The client certificate in %1 expired on %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="88"/>
        <source>The client certificate in %1 is not valid before %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::ConnectDialog</name>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="89"/>
        <source>Please enter the server, your admin name and your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="105"/>
        <source>Connecting to %1 …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="111"/>
        <source>Logging in …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="124"/>
        <source>Enter the 6-digit code from your authenticator app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="212"/>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="256"/>
        <source>Connect to a Parley server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="262"/>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="264"/>
        <source>host:port of the admin API, as parleyd prints it at start-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="267"/>
        <source>Admin name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="271"/>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="272"/>
        <source>&amp;One-time code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="275"/>
        <source>One-time code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="279"/>
        <source>&amp;Remember the password in the system keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="281"/>
        <source>Remember the password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="284"/>
        <source>&amp;Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="286"/>
        <source>&amp;Admin name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="288"/>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="299"/>
        <source>C&amp;lient certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="301"/>
        <source>Present a client certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="302"/>
        <source>For a server that admits administrators only with a certificate from its own certificate authority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="308"/>
        <source>Client certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="309"/>
        <location filename="../admin-gui/connectdialog.cpp" line="313"/>
        <source>PEM file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="312"/>
        <source>Private key file of the client certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="316"/>
        <source>Passphrase of the private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="317"/>
        <source>only if the key is encrypted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="319"/>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="320"/>
        <source>Choose the client certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="321"/>
        <source>Choose the private key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="322"/>
        <source>Certificate &amp;file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="324"/>
        <source>Private &amp;key file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="326"/>
        <source>Key passp&amp;hrase:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="333"/>
        <source>Unknown certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="339"/>
        <source>&amp;Trust this certificate and connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="341"/>
        <source>Trust this certificate and connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="347"/>
        <source>Warning: the server&apos;s certificate has changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="353"/>
        <source>I replaced the certificate myself and checked the new fingerprint on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="355"/>
        <source>Confirm the new certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="356"/>
        <source>Trust the &amp;new certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="358"/>
        <source>Trust the new certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="369"/>
        <source>Connection status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="372"/>
        <source>&amp;Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="375"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="425"/>
        <source>The certificate of %1 is not signed by an authority this computer trusts. Compare its SHA-256 fingerprint with the output of &quot;parleyd fingerprint&quot; on the server before you trust it:

%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="430"/>
        <source>Confirm the certificate to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="438"/>
        <source>The connection was refused. %1 presented a different certificate than the one you trusted before. If you did not replace it, someone may be intercepting the connection.

Trusted: %2
Presented: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="444"/>
        <source>Connection refused for your protection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="453"/>
        <source>Could not connect: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::DashboardPage</name>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="202"/>
        <source>Server version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="203"/>
        <source>Uptime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="204"/>
        <source>Enrolled users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="206"/>
        <location filename="../admin-gui/dashboardpage.cpp" line="265"/>
        <location filename="../admin-gui/dashboardpage.cpp" line="266"/>
        <source>Connected devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="207"/>
        <source>Queued messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="208"/>
        <source>Database size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="140"/>
        <source>This server keeps no history of its figures: it is older than this parley-admin. Charts appear once it is updated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="151"/>
        <source>Could not load the history: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/dashboardpage.cpp" line="173"/>
        <source>No samples yet: the server records its figures every %n second(s).</source>
        <translation>
            <numerusform>No samples yet: the server records its figures every second.</numerusform>
            <numerusform>No samples yet: the server records its figures every %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="175"/>
        <location filename="../admin-gui/dashboardpage.cpp" line="249"/>
        <source>Loading the history…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="205"/>
        <source>Worker threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="210"/>
        <source>Certificate fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="209"/>
        <source>Certificate expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="225"/>
        <source>&lt;h3&gt;Activity&lt;/h3&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="228"/>
        <source>Last 15 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="229"/>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="230"/>
        <source>Last 6 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="231"/>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="232"/>
        <source>Time range of the charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="265"/>
        <source>devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="267"/>
        <source>Messages per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="267"/>
        <source>messages/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="268"/>
        <source>Accepted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="268"/>
        <source>Delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="269"/>
        <source>Queue depth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="269"/>
        <source>messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="270"/>
        <source>Queued for devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="270"/>
        <source>Waiting for the database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="271"/>
        <source>Commit latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="271"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="272"/>
        <source>Median (p50)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="272"/>
        <source>99th percentile (p99)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="278"/>
        <source>&lt;h2&gt;Server status&lt;/h2&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="313"/>
        <source>Dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="113"/>
        <source>Could not refresh: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="95"/>
        <source>%1 (expired!)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/dashboardpage.cpp" line="96"/>
        <source>%1 (in %n day(s))</source>
        <translation>
            <numerusform>%1 (in %n day)</numerusform>
            <numerusform>%1 (in %n days)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="99"/>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="102"/>
        <source>Updated %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::DirectoryForm</name>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="98"/>
        <source>The password is read from %1 on the server at every sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="100"/>
        <source>A password is set. Leave the field empty to keep it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="102"/>
        <source>No password is set: without a bind DN the sync binds anonymously.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="123"/>
        <source>Row %1: enter the group&apos;s name or DN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="127"/>
        <source>Row %1: &quot;%2&quot; is not a room name (a-z, 0-9, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="134"/>
        <source>At most %1 groups can be mapped to rooms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="148"/>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="151"/>
        <source>Directory URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="151"/>
        <source>ldaps://dc1.corp.example:636</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="152"/>
        <source>&amp;URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="153"/>
        <source>Use &amp;StartTLS (for an ldap:// URL; ldap:// without it is refused)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="157"/>
        <source>No CA certificate yet: choose the PEM file of the CA that issued the directory server&apos;s certificate. Only this CA is trusted for it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="159"/>
        <source>CA certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="160"/>
        <source>Bind DN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="160"/>
        <source>cn=parley-sync,ou=services,dc=corp,dc=example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="161"/>
        <source>&amp;Bind DN:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="162"/>
        <source>Bind password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="162"/>
        <source>unchanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="164"/>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="169"/>
        <source>Password file on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="170"/>
        <source>or: /etc/parleyd/directory-password (read by parleyd at every sync)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="171"/>
        <source>Password &amp;file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="172"/>
        <source>Base DN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="172"/>
        <source>dc=corp,dc=example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="173"/>
        <source>Base &amp;DN:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="176"/>
        <source>Page size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="179"/>
        <source>Page si&amp;ze (entries):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="182"/>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="185"/>
        <source>User filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="186"/>
        <source>User &amp;filter:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="187"/>
        <source>Active Directory: (&amp;(objectCategory=person)(objectClass=user))</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="188"/>
        <source>User name attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="189"/>
        <source>User &amp;name attribute:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="190"/>
        <source>Read in lower case; Active Directory: sAMAccountName. Entries whose name is not a Parley user name are skipped and reported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="192"/>
        <source>Display name attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="193"/>
        <source>Displa&amp;y name attribute:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="196"/>
        <source>When an entry counts as disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="197"/>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="198"/>
        <source>When the attribute is present</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="199"/>
        <source>When the attribute has the value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="200"/>
        <source>When a bit is set in the attribute&apos;s number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="201"/>
        <source>Disabled &amp;entries:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="202"/>
        <source>Disabled attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="203"/>
        <source>e.g. userAccountControl, nsAccountLock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="204"/>
        <source>Attribute:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="205"/>
        <source>Disabled value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="205"/>
        <source>e.g. disabled (any case)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="206"/>
        <source>Value:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="209"/>
        <source>Disabled bit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="212"/>
        <source>Active Directory&apos;s userAccountControl: 2 (ACCOUNTDISABLE)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="213"/>
        <source>Bits:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="216"/>
        <source>Groups and rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="219"/>
        <source>A sync reports how each mapped room&apos;s members differ from its group&apos;s; a room admin applies the changes from a device, since only room admins can sign a room&apos;s membership.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="222"/>
        <source>Group filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="222"/>
        <source>empty: groups are not read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="223"/>
        <source>&amp;Group filter:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="224"/>
        <source>Group name attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="225"/>
        <source>Group na&amp;me attribute:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="226"/>
        <source>Member attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="227"/>
        <source>Mem&amp;ber attribute:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="230"/>
        <source>Groups mapped to rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="231"/>
        <source>Directory group (name or DN)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="231"/>
        <source>Parley room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="236"/>
        <source>&amp;Add mapping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="238"/>
        <source>Remo&amp;ve mapping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="249"/>
        <source>Rooms:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="252"/>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="257"/>
        <source>only on demand</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="258"/>
        <source>Sync interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="260"/>
        <source>Sync &amp;every:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="263"/>
        <source>no grace: at the next sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="264"/>
        <source>Grace period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="266"/>
        <source>G&amp;race period:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="267"/>
        <source>How long a user whose entry is gone stays suspended before it is deleted (at most 366 days).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="271"/>
        <source>Enrollment codes valid for hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="274"/>
        <source> h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="275"/>
        <source>New users&apos; &amp;codes valid for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="372"/>
        <source>Enter the directory&apos;s URL: ldaps://HOST[:PORT], or ldap://HOST[:PORT] with StartTLS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="376"/>
        <source>Choose the CA certificate (PEM) the directory server&apos;s certificate must chain to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="384"/>
        <source>Enter a password or name a password file, not both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="389"/>
        <source>At most %1 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="393"/>
        <source>A password needs the bind DN it belongs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="400"/>
        <source>Enter the base DN the searches start at, e.g. dc=corp,dc=example.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="408"/>
        <source>Enter the attribute that tells a disabled entry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="410"/>
        <source>Enter the value of a disabled entry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="422"/>
        <source>Mapping groups to rooms needs the group filter that reads the groups.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="429"/>
        <source>From 10 seconds to 7 days, or only on demand.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="435"/>
        <source>At most 366 days.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::DirectoryPage</name>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="70"/>
        <source>Not set up: users are not synced from a directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="72"/>
        <source>%1, base %2. Changed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="77"/>
        <source>none since the server started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="82"/>
        <source>scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="83"/>
        <source>by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="84"/>
        <source>dry run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="84"/>
        <source>sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="86"/>
        <source>%1 (%2, %3): %4 created, %5 suspended, %6 resumed, %7 deleted, %8 skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="94"/>
        <source>%1 (%2, %3) failed, nothing changed: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="100"/>
        <source>a sync is running now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="102"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="104"/>
        <source>%1 (every %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="107"/>
        <source>only on demand</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="109"/>
        <source>The last run, %1 (enrollment codes are shown only by the run that created them):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="162"/>
        <source>The directory settings were not saved: see the marked field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="170"/>
        <source>The directory settings were saved. Nothing connects to the directory until a dry run or a sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="181"/>
        <source>Dry run: reading the directory …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="182"/>
        <source>Sync: reading the directory …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="191"/>
        <source>Dry run at %1: what a sync would do now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="192"/>
        <source>Sync at %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="194"/>
        <source>Dry run finished: nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="195"/>
        <source>Sync finished.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="219"/>
        <source>Sync from LDAP or Active Directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="230"/>
        <source>&amp;Dry run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="232"/>
        <source>Reads the directory and reports what a sync would change, changing nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="233"/>
        <source>S&amp;ync now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="243"/>
        <source>Directory:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="244"/>
        <source>Last sync:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="245"/>
        <source>Next sync:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="266"/>
        <source>&amp;Save settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="268"/>
        <source>&amp;Remove settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="270"/>
        <source>Re&amp;vert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="272"/>
        <source>Shows the server&apos;s settings again, dropping unsaved edits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="281"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="287"/>
        <source>Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="290"/>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="291"/>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="292"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="293"/>
        <source>Suspended by the sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="294"/>
        <source>Deleted at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="295"/>
        <source>Synced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="296"/>
        <source>Entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="304"/>
        <source>Users linked to directory entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="310"/>
        <source>Only these users are ever changed by a sync. &quot;Deleted at&quot;: the user&apos;s entry is gone; it is deleted then unless it returns. &quot;never&quot;: still in the directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="314"/>
        <source>Re&amp;fresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="322"/>
        <source>Linked users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="331"/>
        <source>Remove the directory settings and the stored bind password? Syncs stop; the users made by the sync stay as they are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="337"/>
        <source>The directory settings were removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="343"/>
        <source>Sync now? Users are created, suspended and deleted as the directory says. A dry run shows the changes first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="349"/>
        <source>Save the enrollment codes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="349"/>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="362"/>
        <source>Directory</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::DurationEdit</name>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="36"/>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="37"/>
        <source>minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="38"/>
        <source>hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="39"/>
        <source>days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="90"/>
        <source>%1: unit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::EnrollmentDialog</name>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="34"/>
        <source>Enrollment for %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="38"/>
        <source>Give %1 this one-time code, or let them scan the QR code with the Parley app. Anyone with the code can enroll as this user until it is used or expires.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="45"/>
        <source>Enrollment code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="51"/>
        <source>Enrollment link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="55"/>
        <source>QR code of the enrollment link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="58"/>
        <source>The link is too long for a QR code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="63"/>
        <source>Code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="64"/>
        <source>Link:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="65"/>
        <source>Valid until:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="70"/>
        <source>Copy c&amp;ode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="72"/>
        <source>Copy &amp;link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="76"/>
        <source>The code was copied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="80"/>
        <source>The link was copied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="82"/>
        <source>&amp;Save QR code as PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="87"/>
        <source>Save QR code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="87"/>
        <source>PNG images (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="93"/>
        <source>Saved %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="122"/>
        <source>Could not save %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::FilesPage</name>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="48"/>
        <source>%1 (%2 bytes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="60"/>
        <source>(deleted user)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="80"/>
        <source>The largest file must be from 1 byte to 1024 TiB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="83"/>
        <source>The quota per user must be from 1 byte to 1024 TiB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="90"/>
        <source>Attachment limits saved; they apply to the next upload.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="102"/>
        <source>Limits of attachments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="103"/>
        <source>Devices upload attachments end-to-end encrypted: the server learns their size, never their content. A new limit applies to the next upload; uploads under way and stored attachments are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="110"/>
        <source>Largest file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="113"/>
        <source>Quota per user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="114"/>
        <source>All of a user&apos;s attachments together, unfinished uploads included.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="116"/>
        <source>&amp;Apply limits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="118"/>
        <source>Largest &amp;file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="120"/>
        <source>&amp;Quota per user:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="133"/>
        <source>Storage taken by attachments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="140"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="143"/>
        <source>In all:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="144"/>
        <source>Attachments:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="148"/>
        <source>Declared sizes, unfinished uploads included. &quot;(deleted user)&quot;: attachments of users who were deleted, kept while messages still refer to them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="152"/>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="153"/>
        <source>Storage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="154"/>
        <source>Attachments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="162"/>
        <source>Storage per user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="190"/>
        <source>Files</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::HistoryChart</name>
    <message>
        <location filename="../admin-gui/historychart.cpp" line="116"/>
        <source>%1
%2: %3 %4</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::LoggingPage</name>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="49"/>
        <source>debug (everything)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="51"/>
        <source>info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="53"/>
        <source>warnings and errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="55"/>
        <source>critical errors only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="56"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="68"/>
        <source>Verbosity of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="101"/>
        <source>%1 now logs at level %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="131"/>
        <source>Verbosity per subsystem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="134"/>
        <source>Retention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="138"/>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="139"/>
        <source>Keep events for days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="140"/>
        <source>&amp;Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="143"/>
        <source>Keep events for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="148"/>
        <location filename="../admin-gui/loggingpage.cpp" line="177"/>
        <source>Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="149"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="150"/>
        <source>Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="151"/>
        <source>Subsystem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="152"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="161"/>
        <location filename="../admin-gui/loggingpage.cpp" line="162"/>
        <source>Filter events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="166"/>
        <source>Minimum level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="167"/>
        <source>all levels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="168"/>
        <source>info and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="169"/>
        <source>warnings and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="170"/>
        <source>critical only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="171"/>
        <source>&amp;Live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="174"/>
        <source>Refresh the events live</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/loggingpage.cpp" line="211"/>
        <source>Events are now kept for %n day(s).</source>
        <translation>
            <numerusform>Events are now kept for %n day.</numerusform>
            <numerusform>Events are now kept for %n days.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="220"/>
        <source>Event logging</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::MainWindow</name>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="57"/>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="94"/>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="95"/>
        <source>Parley administration – %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="118"/>
        <source>Your password was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="127"/>
        <source>Parley administration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="135"/>
        <source>Functions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="168"/>
        <source>&amp;Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="169"/>
        <source>Change my &amp;password…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="171"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="177"/>
        <source>&amp;Log out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="180"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="198"/>
        <source>The connection to the server was lost: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::Page</name>
    <message>
        <location filename="../admin-gui/page.cpp" line="74"/>
        <source>Please confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/page.cpp" line="110"/>
        <source>Could not save %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/page.cpp" line="113"/>
        <source>Saved %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::PasswordChangeDialog</name>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="37"/>
        <source>too short or too simple</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="38"/>
        <source>weak</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="39"/>
        <source>fair</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="40"/>
        <source>strong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="41"/>
        <source>very strong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="43"/>
        <source>Strength: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="48"/>
        <source>Use at least 12 characters with at least 4 different ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="50"/>
        <source>The two new passwords differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="62"/>
        <source>Changing the password …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="90"/>
        <source>Choose your own password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="90"/>
        <source>Change your password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="91"/>
        <source>You logged in with a one-time password. Choose your own password now; nothing else is available until you have done so.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="93"/>
        <source>Choose a new password for your admin account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="99"/>
        <source>Current password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="103"/>
        <source>New password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="107"/>
        <source>Confirm the new password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="112"/>
        <source>Password strength</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="121"/>
        <source>C&amp;urrent password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="123"/>
        <source>&amp;New password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="125"/>
        <source>Con&amp;firm:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="138"/>
        <source>&amp;Change password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="141"/>
        <source>&amp;Log out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="141"/>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::ProxyPage</name>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="39"/>
        <source>Outbound proxy for messaging traffic the server initiates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="42"/>
        <source>Proxy type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="43"/>
        <source>No proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="44"/>
        <source>HTTP proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="45"/>
        <source>SOCKS5 proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="48"/>
        <source>Proxy host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="53"/>
        <source>Proxy port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="55"/>
        <source>Proxy user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="58"/>
        <source>Proxy password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="60"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="63"/>
        <source>Type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="64"/>
        <location filename="../admin-gui/proxypage.cpp" line="87"/>
        <source>Host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="65"/>
        <location filename="../admin-gui/proxypage.cpp" line="88"/>
        <source>Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="66"/>
        <source>User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="67"/>
        <source>Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="71"/>
        <source>Test the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="74"/>
        <source>Test host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="75"/>
        <source>push.example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="80"/>
        <source>Test port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="81"/>
        <source>&amp;Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="104"/>
        <source>Enter the proxy host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="116"/>
        <source>Proxy settings saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="122"/>
        <source>Enter a host to connect to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="128"/>
        <source>Connecting …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="130"/>
        <source>Connected successfully.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="140"/>
        <source>Messaging proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="152"/>
        <source>A password is set; leave the field empty to keep it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::PushPage</name>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="63"/>
        <source>Could not read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="67"/>
        <source>%1 is larger than 64 KiB; it is not a key file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="77"/>
        <source>set through the admin API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="79"/>
        <source>from the configuration file (saving here replaces it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="86"/>
        <source>Not configured: devices of this kind are not woken up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="89"/>
        <source>Configured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="89"/>
        <source>Configured, %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="93"/>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="97"/>
        <source>Changed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="99"/>
        <source>%1 wake-ups waiting, %2 failed for good</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="125"/>
        <source>Key ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="126"/>
        <source>Team ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="127"/>
        <source>Topic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="128"/>
        <location filename="../admin-gui/pushpage.cpp" line="139"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="137"/>
        <source>Project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="138"/>
        <source>Service account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="142"/>
        <source>Contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="149"/>
        <source>Wake-ups waiting: %1; failed for good: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="167"/>
        <source>APNs needs the key ID and the team ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="171"/>
        <source>Choose the APNs key file (.p8) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="183"/>
        <source>The APNs credentials were saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="190"/>
        <source>Choose the FCM service account file (JSON) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="200"/>
        <source>The FCM service account was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="208"/>
        <source>The Web Push contact must be a mailto: or https: address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="224"/>
        <source>Web Push is set up with a new key the server generated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="225"/>
        <source>The Web Push key was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="231"/>
        <source>Remove the %1 credentials? Devices of this kind are no longer woken up until new ones are set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="237"/>
        <source>The %1 credentials were removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="265"/>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="284"/>
        <source>Wake-ups carry no content: they only tell an offline device to connect. Key files are sent to the server and never shown here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="293"/>
        <source>Apple Push Notification service (APNs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="294"/>
        <source>APNs status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="295"/>
        <source>APNs key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="295"/>
        <source>AuthKey_XXXXXXXXXX.p8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="296"/>
        <source>APNs key ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="297"/>
        <source>Apple team ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="298"/>
        <source>APNs topic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="298"/>
        <source>optional: the app&apos;s bundle ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="299"/>
        <source>APNs endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="299"/>
        <source>optional: Apple&apos;s production service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="300"/>
        <source>Save APNs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="302"/>
        <location filename="../admin-gui/pushpage.cpp" line="329"/>
        <location filename="../admin-gui/pushpage.cpp" line="361"/>
        <source>Remove…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="304"/>
        <source>Remove the APNs credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="311"/>
        <source>Key file (.p8):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="312"/>
        <source>Choose the APNs key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="313"/>
        <source>APNs keys (*.p8 *.pem);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="314"/>
        <source>Key ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="315"/>
        <source>Team ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="316"/>
        <source>Topic:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="317"/>
        <location filename="../admin-gui/pushpage.cpp" line="341"/>
        <source>Endpoint:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="321"/>
        <source>Firebase Cloud Messaging (FCM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="322"/>
        <source>FCM status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="323"/>
        <source>FCM service account file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="323"/>
        <source>service-account.json</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="324"/>
        <source>FCM endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="324"/>
        <source>optional: Google&apos;s service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="325"/>
        <source>FCM token endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="326"/>
        <source>optional: the one in the service account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="327"/>
        <source>Save FCM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="331"/>
        <source>Remove the FCM credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="338"/>
        <source>Service account (JSON):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="339"/>
        <source>Choose the FCM service account file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="340"/>
        <source>JSON files (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="342"/>
        <source>Token endpoint:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="346"/>
        <source>Web Push (VAPID)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="347"/>
        <source>Web Push status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="348"/>
        <source>Web Push contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="348"/>
        <source>mailto:admin@example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="349"/>
        <source>VAPID private key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="350"/>
        <source>optional: empty lets the server generate a key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="351"/>
        <source>VAPID public key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="353"/>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="355"/>
        <source>Copy the VAPID public key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="359"/>
        <source>Save Web Push</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="363"/>
        <source>Remove the Web Push credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="370"/>
        <source>Contact:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="371"/>
        <source>Private key (PEM):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="372"/>
        <source>Choose the VAPID key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="373"/>
        <source>PEM files (*.pem *.key);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="374"/>
        <source>Public key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="388"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="401"/>
        <source>APNs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="402"/>
        <source>FCM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="403"/>
        <source>Web Push</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="406"/>
        <source>The VAPID public key was copied to the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="415"/>
        <source>Push</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::RecordModel</name>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="76"/>
        <source>%1 bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="84"/>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="87"/>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="87"/>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="89"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="95"/>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="97"/>
        <source>suspended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="99"/>
        <source>waiting for enrollment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="101"/>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="103"/>
        <source>revoked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="105"/>
        <source>no user</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::RoomsPage</name>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="107"/>
        <source>Room defaults saved; they apply to rooms created from now on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="115"/>
        <source>messages expire after %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="116"/>
        <source>messages do not expire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="117"/>
        <source>%1; burn after reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="124"/>
        <source>Room %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="126"/>
        <source>Title: %1
Description: %2
%3 members, %4 of them admins; %5 membership records; last change %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="129"/>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="135"/>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="142"/>
        <source>nothing beyond the room&apos;s own policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="164"/>
        <location filename="../admin-gui/roomspage.cpp" line="280"/>
        <source>Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="165"/>
        <source>Select a room to see its policy and members.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="232"/>
        <source>The server now enforces this retention in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="249"/>
        <source>Defaults and limits for new rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="253"/>
        <source>Most members a room may have</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="254"/>
        <source>&amp;Longest expiry a room may choose:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="258"/>
        <source>Longest expiry a room may choose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="260"/>
        <source>&amp;Expiry of new rooms:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="264"/>
        <source>Expiry of new rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="266"/>
        <source>New rooms &amp;burn messages after reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="268"/>
        <source>&amp;Save defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="270"/>
        <source>&amp;Most members:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="281"/>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="282"/>
        <source>Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="283"/>
        <source>Expiry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="284"/>
        <source>Burn after reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="285"/>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="286"/>
        <source>Last change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="294"/>
        <location filename="../admin-gui/roomspage.cpp" line="295"/>
        <source>Search rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="297"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="303"/>
        <location filename="../admin-gui/roomspage.cpp" line="440"/>
        <source>Rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="309"/>
        <source>&amp;Delete room…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="326"/>
        <source>Set by the room&apos;s admins:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="327"/>
        <source>Enforced by this server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="328"/>
        <source>In effect:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="329"/>
        <source>Member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="330"/>
        <source>Room admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="335"/>
        <source>Members of the selected room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="342"/>
        <source>Retention enforced by the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="344"/>
        <source>Title, description and the room&apos;s own expiry and burn-after-reading belong to the room&apos;s admins: they are signed by their devices, and the server cannot change them. The server can only enforce stricter retention on top: a shorter expiry, or burn-after-reading for every message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="350"/>
        <source>Delete messages after at &amp;most:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="354"/>
        <source>Longest time messages are kept in this room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="356"/>
        <source>&amp;Force burn after reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="358"/>
        <source>&amp;Apply retention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="422"/>
        <source>Delete the room %1 with its membership chain? Its members lose it on all their devices. This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="428"/>
        <source>The room %1 was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::SizeEdit</name>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="51"/>
        <source>bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="52"/>
        <source>KiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="53"/>
        <source>MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="54"/>
        <source>GiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="55"/>
        <source>TiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="100"/>
        <source>%1: unit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::SsoPage</name>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="80"/>
        <source>Off: enrollment codes come from administrators (and the directory sync) only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="82"/>
        <source>On: people sign in at %1 and get their enrollment code; the sign-in pages listen on %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="85"/>
        <source>Set up, but not running: see the last error.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="90"/>
        <source>From [sso] in the configuration file. Saving here replaces it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="92"/>
        <source>Set through the admin API, %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="93"/>
        <source>Set through the admin API.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="95"/>
        <source>Not set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="97"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="105"/>
        <source>A client secret is set. Leave the field empty to keep it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="106"/>
        <location filename="../admin-gui/ssopage.cpp" line="389"/>
        <source>No client secret is set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="124"/>
        <source>This server has no administration of single sign-on (its admin API has no sso.* calls). Update parleyd to set it up here; until then it is set in [sso] of parleyd.conf (docs/operations.md).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="148"/>
        <source>Enter the provider&apos;s issuer URL, e.g. https://login.example.com/realms/staff (its discovery document is ISSUER/.well-known/openid-configuration).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="154"/>
        <source>Enter the client ID the provider gave Parley.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="161"/>
        <source>Enter the client secret the provider gave Parley.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="168"/>
        <source>Enter an address and port, e.g. 0.0.0.0:8445 or [::]:8445.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="176"/>
        <source>Enter the https:// address people&apos;s browsers reach the sign-in pages at, e.g. https://parley.example.com:8445.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="186"/>
        <source>From 1 minute to 1 day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="199"/>
        <source>The single sign-on settings were not saved: see the marked field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="206"/>
        <source>The single sign-on settings were saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="217"/>
        <source>Asking the provider …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="224"/>
        <source>The provider answered.
Issuer: %1
Authorization endpoint: %2
Token endpoint: %3
Signing keys: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="234"/>
        <source>The test failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="256"/>
        <source>Single sign-on for enrollment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="257"/>
        <source>People prove who they are at your OpenID Connect provider and get an enrollment code for their user, without an administrator issuing one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="273"/>
        <source>Redirect URI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="275"/>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="277"/>
        <source>Copy the redirect URI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="281"/>
        <source>Register this at your identity provider as the redirect URI of Parley&apos;s client.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="285"/>
        <source>State:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="286"/>
        <source>Settings:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="287"/>
        <source>Last error:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="288"/>
        <source>Redirect URI:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="292"/>
        <source>Identity provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="295"/>
        <source>Issuer URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="295"/>
        <source>https://login.example.com/realms/staff</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="296"/>
        <source>&amp;Issuer:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="297"/>
        <source>Client ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="297"/>
        <source>parley</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="298"/>
        <source>Client &amp;ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="299"/>
        <source>Client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="299"/>
        <source>unchanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="301"/>
        <source>Client &amp;secret:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="306"/>
        <source>None: the system&apos;s trusted CAs check the provider&apos;s certificate. Choose a CA (PEM) for a provider with a certificate of your own CA.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="308"/>
        <source>CA certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="311"/>
        <source>User name from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="312"/>
        <source>the preferred_username claim</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="313"/>
        <source>the email claim</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="314"/>
        <source>&amp;User name from:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="315"/>
        <source>Create a user for a person who has none &amp;yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="320"/>
        <source>Enrollment codes valid for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="322"/>
        <source>Codes &amp;valid for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="325"/>
        <source>Sign-in pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="328"/>
        <source>Listen address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="328"/>
        <source>0.0.0.0:8445</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="329"/>
        <source>&amp;Listen on:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="330"/>
        <source>Public URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="330"/>
        <source>https://parley.example.com:8445</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="331"/>
        <source>&amp;Public URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="332"/>
        <source>Where people&apos;s browsers reach the sign-in pages; the redirect URI is made from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="352"/>
        <source>&amp;Save settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="354"/>
        <source>&amp;Test provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="356"/>
        <source>Fetches the provider&apos;s discovery document and signing keys as parleyd sees them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="357"/>
        <source>&amp;Remove settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="372"/>
        <source>The redirect URI was copied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="377"/>
        <source>Remove the single sign-on settings and the client secret? The sign-in pages stop; codes already issued stay valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="382"/>
        <source>The single sign-on settings were removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="396"/>
        <source>Single sign-on</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::SyncReportView</name>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="105"/>
        <location filename="../admin-gui/syncreportview.cpp" line="256"/>
        <source>No sync has run yet. &quot;Dry run&quot; shows what a sync would change without changing anything.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="111"/>
        <location filename="../admin-gui/syncreportview.cpp" line="122"/>
        <location filename="../admin-gui/syncreportview.cpp" line="133"/>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="112"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="113"/>
        <location filename="../admin-gui/syncreportview.cpp" line="134"/>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="114"/>
        <location filename="../admin-gui/syncreportview.cpp" line="118"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="117"/>
        <source>Name in the directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="119"/>
        <source>Entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="123"/>
        <source>Deleted at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="126"/>
        <source>Group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="127"/>
        <source>Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="128"/>
        <source>To add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="129"/>
        <source>To remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="130"/>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="135"/>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="136"/>
        <source>Valid until</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="137"/>
        <source>Link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="143"/>
        <source>Changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="144"/>
        <source>Skipped entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="145"/>
        <source>Users waiting for deletion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="146"/>
        <source>Rooms and groups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="149"/>
        <source>Enrollment codes of new users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="150"/>
        <source>Shown only now: the server keeps no copy. Hand each code to its user, or save them all and send them through your usual channel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="154"/>
        <source>Show &amp;QR code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="156"/>
        <source>Cop&amp;y all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="158"/>
        <source>Sa&amp;ve as CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="186"/>
        <source>The codes were copied: one line per user with name, code and link.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="197"/>
        <source>create user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="199"/>
        <source>link existing user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="201"/>
        <source>suspend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="203"/>
        <source>resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="205"/>
        <source>gone: suspend, delete later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="207"/>
        <source>back in the directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="209"/>
        <source>delete user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="211"/>
        <source>revoke enrollment codes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="213"/>
        <source>unlink</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="241"/>
        <source>Changes (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="242"/>
        <source>Skipped (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="243"/>
        <source>Waiting for deletion (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="244"/>
        <source>Rooms (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="245"/>
        <source>Enrollment codes (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="262"/>
        <source>Read: %1, %2, %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/syncreportview.cpp" line="263"/>
        <source>%n entry(s)</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/syncreportview.cpp" line="264"/>
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n group</numerusform>
            <numerusform>%n groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/syncreportview.cpp" line="265"/>
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n page</numerusform>
            <numerusform>%n pages</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="267"/>
        <source>Would create %1, suspend %2, resume %3 and delete %4 of the users; %5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="268"/>
        <source>Created %1, suspended %2, resumed %3 and deleted %4 of the users; %5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/syncreportview.cpp" line="273"/>
        <source>%n entry(s) skipped</source>
        <translation>
            <numerusform>%n entry skipped</numerusform>
            <numerusform>%n entries skipped</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="275"/>
        <source>A dry run changes nothing and issues no code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="277"/>
        <source>It failed (%1): %2. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::UsersPage</name>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="74"/>
        <location filename="../admin-gui/userspage.cpp" line="204"/>
        <location filename="../admin-gui/userspage.cpp" line="285"/>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="74"/>
        <source>Devices of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="106"/>
        <source>Enter the new user&apos;s name first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="114"/>
        <source>User %1 created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="128"/>
        <source>%1 is suspended; their sessions were closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="129"/>
        <source>%1 may connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="151"/>
        <source>CSV import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="152"/>
        <source>Line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="153"/>
        <location filename="../admin-gui/userspage.cpp" line="202"/>
        <location filename="../admin-gui/userspage.cpp" line="216"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="154"/>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="155"/>
        <source>Enrollment code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="156"/>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="161"/>
        <source>Import results per row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="163"/>
        <source>%1 created, %2 failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="180"/>
        <source>Could not read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="184"/>
        <source>%1 is larger than 1 MiB; split it into smaller files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="190"/>
        <source>Importing users …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="203"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="205"/>
        <location filename="../admin-gui/userspage.cpp" line="218"/>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="206"/>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="207"/>
        <location filename="../admin-gui/userspage.cpp" line="220"/>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="215"/>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="217"/>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="219"/>
        <source>Enrolled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="225"/>
        <location filename="../admin-gui/userspage.cpp" line="226"/>
        <source>Search users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="228"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="229"/>
        <source>&amp;Import CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="231"/>
        <source>E&amp;xport CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="241"/>
        <source>new user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="242"/>
        <source>New user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="247"/>
        <source> h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="248"/>
        <source>Enrollment code valid for hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="249"/>
        <source>&amp;Create user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="252"/>
        <source>New user:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="254"/>
        <source>code valid for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="260"/>
        <location filename="../admin-gui/userspage.cpp" line="376"/>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="267"/>
        <source>New enrollment &amp;code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="269"/>
        <source>&amp;Suspend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="271"/>
        <source>Res&amp;ume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="275"/>
        <source>Sign &amp;out everywhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="140"/>
        <source>%1 was signed out on every device; each must log in with its key again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="273"/>
        <source>&amp;Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="288"/>
        <source>Devices of the selected user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="292"/>
        <source>Re&amp;voke device…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="333"/>
        <source>Delete %1 with all devices, keys and queued messages? This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="337"/>
        <source>%1 was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="348"/>
        <source>Revoke device %1 of %2? It is disconnected and must enroll again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="353"/>
        <source>Device %1 of %2 was revoked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="359"/>
        <source>Import users from CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="359"/>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="365"/>
        <source>Export users as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="365"/>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::admin::WarningsPanel</name>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="39"/>
        <source>since %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="40"/>
        <source>since %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="77"/>
        <source>Critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="77"/>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="101"/>
        <source>Open %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/warningspanel.cpp" line="119"/>
        <source>Needs attention now (%n critical)</source>
        <translation>
            <numerusform>Needs attention now (%n critical)</numerusform>
            <numerusform>Needs attention now (%n critical)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="120"/>
        <source>Needs attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="142"/>
        <source>Warnings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
