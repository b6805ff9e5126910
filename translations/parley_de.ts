<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>DurationText</name>
    <message numerus="yes">
        <location filename="../admin-gui/durationtext.cpp" line="19"/>
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n Tag</numerusform>
            <numerusform>%n Tage</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/durationtext.cpp" line="24"/>
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n Stunde</numerusform>
            <numerusform>%n Stunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/durationtext.cpp" line="29"/>
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n Minute</numerusform>
            <numerusform>%n Minuten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/durationtext.cpp" line="34"/>
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n Sekunde</numerusform>
            <numerusform>%n Sekunden</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/durationtext.cpp" line="45"/>
        <source>%1 %2</source>
        <extracomment>a duration in two units, e.g. &quot;3 days&quot; and &quot;4 hours&quot;</extracomment>
        <translation>%1 %2</translation>
    </message>
</context>
<context>
    <name>ServerHistory</name>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="43"/>
        <source>The server&apos;s history could not be read: %1</source>
        <translation>Der Verlauf des Servers ließ sich nicht lesen: %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="82"/>
        <source>“%1” is missing or has the wrong type.</source>
        <translation>„%1“ fehlt oder hat den falschen Typ.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="107"/>
        <source>its interval (%1 s) or retention (%2 s) is out of range.</source>
        <translation>sein Intervall (%1 s) oder seine Aufbewahrungsdauer (%2 s) liegt außerhalb des zulässigen Bereichs.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="111"/>
        <source>its clock (“now”) is out of range.</source>
        <translation>seine Uhrzeit („now“) liegt außerhalb des zulässigen Bereichs.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="121"/>
        <source>it holds more than %1 samples.</source>
        <translation>er enthält mehr als %1 Messwerte.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="127"/>
        <source>its times are not in order, or later than its clock.</source>
        <translation>seine Zeitpunkte sind nicht aufsteigend geordnet oder liegen nach seiner Uhrzeit.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="139"/>
        <source>“%1” has %2 values for %3 times.</source>
        <translation>„%1“ hat %2 Werte für %3 Zeitpunkte.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverhistory.cpp" line="149"/>
        <source>value %1 of “%2” is not a number of the right kind.</source>
        <translation>Wert %1 von „%2“ ist keine Zahl der richtigen Art.</translation>
    </message>
</context>
<context>
    <name>ServerWarning</name>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="41"/>
        <source>the server</source>
        <extracomment>The listeners complete &quot;The certificate of %1 …&quot; (in German the genitive: &quot;des Servers&quot;).</extracomment>
        <translation>des Servers</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="43"/>
        <source>the device listener</source>
        <translation>des Listeners für Geräte</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="45"/>
        <source>the admin listener</source>
        <translation>des Admin-Listeners</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="46"/>
        <source>the listener “%1”</source>
        <translation>des Listeners „%1“</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="68"/>
        <source>The certificate of %1 expired on %2.</source>
        <translation>Das Zertifikat %1 ist am %2 abgelaufen.</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/serverwarning.cpp" line="69"/>
        <source>The certificate of %1 expires in %n day(s), on %2.</source>
        <translation>
            <numerusform>Das Zertifikat %1 läuft in %n Tag ab, am %2.</numerusform>
            <numerusform>Das Zertifikat %1 läuft in %n Tagen ab, am %2.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="73"/>
        <source>Replace the files that [admin] certificate and private_key name in parleyd.conf, and reload them.</source>
        <translation>Ersetzen Sie die Dateien, die [admin] certificate und private_key in parleyd.conf nennen, und laden Sie sie neu.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="75"/>
        <source>Install a new one.</source>
        <translation>Installieren Sie ein neues.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="88"/>
        <source>Only %1 of %2 (%3%) is free on the disk that holds %4.</source>
        <translation>Auf dem Datenträger mit %4 sind nur noch %1 von %2 (%3 %) frei.</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/serverwarning.cpp" line="99"/>
        <source>Push wake-ups through %1 are failing (%n failed attempt(s)).</source>
        <translation>
            <numerusform>Push-Weckrufe über %1 schlagen fehl (%n gescheiterter Versuch).</numerusform>
            <numerusform>Push-Weckrufe über %1 schlagen fehl (%n gescheiterte Versuche).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/serverwarning.cpp" line="102"/>
        <source>%n wake-up(s) were given up.</source>
        <translation>
            <numerusform>%n Weckruf wurde aufgegeben.</numerusform>
            <numerusform>%n Weckrufe wurden aufgegeben.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="103"/>
        <source>Check the credentials and the messaging proxy.</source>
        <translation>Prüfen Sie die Zugangsdaten und den Messaging-Proxy.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="110"/>
        <source>The storage under the database is failing (a full disk, an I/O error or a read-only file system): every write is refused until it recovers. Free space or repair the file system.</source>
        <translation>Der Speicher unter der Datenbank versagt (ein voller Datenträger, ein E/A-Fehler oder ein schreibgeschütztes Dateisystem): Jeder Schreibvorgang wird abgelehnt, bis er sich erholt. Schaffen Sie Platz oder reparieren Sie das Dateisystem.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="114"/>
        <source>The database&apos;s last commit failed and its writes were refused. The event log&apos;s parley.store lines say why.</source>
        <translation>Der letzte Commit der Datenbank ist fehlgeschlagen, ihre Schreibvorgänge wurden abgelehnt. Die Zeilen von parley.store im Ereignisprotokoll nennen den Grund.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="120"/>
        <source>%1 writes wait for the database, over half of the %2 allowed: the disk does not keep up, and once the queue is full, messages are refused as busy.</source>
        <translation>%1 Schreibvorgänge warten auf die Datenbank, mehr als die Hälfte der erlaubten %2: Der Datenträger kommt nicht nach, und sobald die Warteschlange voll ist, werden Nachrichten als „busy“ abgelehnt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="134"/>
        <source>The thread “%1” of parleyd on %2 has not answered for %3: what it serves hangs. Keep the log for a bug report and restart parleyd.</source>
        <translation>Der Thread „%1“ von parleyd auf %2 antwortet seit %3 nicht: Was er bedient, hängt. Bewahren Sie das Protokoll für einen Fehlerbericht auf und starten Sie parleyd neu.</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="145"/>
        <source>The directory sync failed at %1: %2</source>
        <translation>Der Verzeichnisabgleich ist am %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/serverwarning.cpp" line="191"/>
        <source>The server reports a problem (%1).</source>
        <translation>Der Server meldet ein Problem (%1).</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../admin-gui/main.cpp" line="26"/>
        <source>Administration of a Parley messaging server.</source>
        <translation>Verwaltung eines Parley-Messaging-Servers.</translation>
    </message>
    <message>
        <location filename="../admin-gui/main.cpp" line="29"/>
        <source>User interface language (en, de); default: the system&apos;s.</source>
        <translation>Sprache der Oberfläche (en, de); Vorgabe: die des Systems.</translation>
    </message>
</context>
<context>
    <name>parley::admin::AdminClient</name>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="126"/>
        <source>This server requires a client certificate. Choose your certificate and its key under &quot;Client certificate&quot; and connect again.</source>
        <translation>Dieser Server verlangt ein Client-Zertifikat. Wählen Sie Ihr Zertifikat und seinen Schlüssel unter „Client-Zertifikat“ und verbinden Sie sich erneut.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="128"/>
        <source>The server closed the connection before the login could start. If it requires a client certificate, choose yours under &quot;Client certificate&quot; and connect again.</source>
        <translation>Der Server hat die Verbindung geschlossen, bevor die Anmeldung beginnen konnte. Falls er ein Client-Zertifikat verlangt, wählen Sie Ihres unter „Client-Zertifikat“ und verbinden Sie sich erneut.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="132"/>
        <source>The server refused the client certificate: it has expired.</source>
        <translation>Der Server hat das Client-Zertifikat abgelehnt: Es ist abgelaufen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="134"/>
        <source>The server refused the client certificate: it has been revoked.</source>
        <translation>Der Server hat das Client-Zertifikat abgelehnt: Es wurde widerrufen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="135"/>
        <source>The server refused the client certificate. It must be issued by the certificate authority the server trusts for administrators (client_ca).</source>
        <translation>Der Server hat das Client-Zertifikat abgelehnt. Es muss von der Zertifizierungsstelle ausgestellt sein, der der Server für Administratoren vertraut (client_ca).</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="145"/>
        <source>The server&apos;s certificate was not accepted.</source>
        <translation>Das Zertifikat des Servers wurde nicht akzeptiert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="192"/>
        <source>The server address must look like host:port, for example admin.example.com:8444.</source>
        <translation>Die Serveradresse muss die Form Host:Port haben, zum Beispiel admin.example.com:8444.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="68"/>
        <source>The server&apos;s certificate expired on %1 (valid from %2). Install a new certificate on the server.</source>
        <translation>Das Zertifikat des Servers ist am %1 abgelaufen (gültig ab %2). Installieren Sie ein neues Zertifikat auf dem Server.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="73"/>
        <source>The server&apos;s certificate is valid only from %1 (until %2). Check the clocks of this computer and of the server.</source>
        <translation>Das Zertifikat des Servers ist erst ab %1 gültig (bis %2). Prüfen Sie die Uhren dieses Computers und des Servers.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="78"/>
        <source>The server&apos;s certificate was not accepted: %1</source>
        <translation>Das Zertifikat des Servers wurde nicht akzeptiert: %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="285"/>
        <source>The connection to the server was lost.</source>
        <translation>Die Verbindung zum Server wurde unterbrochen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="287"/>
        <source>The server did not answer in time. Please try again.</source>
        <translation>Der Server hat nicht rechtzeitig geantwortet. Bitte versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="289"/>
        <source>The server sent an answer this app does not understand.</source>
        <translation>Der Server hat eine Antwort gesendet, die diese App nicht versteht.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="291"/>
        <source>Wrong name or password, or your session has expired.</source>
        <translation>Falscher Name oder falsches Passwort, oder Ihre Sitzung ist abgelaufen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="293"/>
        <source>This account needs a one-time code from your authenticator app.</source>
        <translation>Dieses Konto benötigt einen Einmalcode aus Ihrer Authenticator-App.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="295"/>
        <source>Too many failed attempts; the account is locked for a while.</source>
        <translation>Zu viele Fehlversuche; das Konto ist vorübergehend gesperrt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="297"/>
        <source>You must choose a new password first.</source>
        <translation>Sie müssen zuerst ein neues Passwort wählen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="299"/>
        <source>You are not allowed to do this.</source>
        <translation>Dazu sind Sie nicht berechtigt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="301"/>
        <source>It does not exist (any more).</source>
        <translation>Das existiert nicht (mehr).</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="303"/>
        <source>It already exists or conflicts with the current state.</source>
        <translation>Das existiert bereits oder widerspricht dem aktuellen Zustand.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="305"/>
        <source>The server refused the input.</source>
        <translation>Der Server hat die Eingabe abgelehnt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="307"/>
        <source>The server cannot do this right now.</source>
        <translation>Der Server kann das im Moment nicht ausführen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="309"/>
        <source>The server does not support this function.</source>
        <translation>Der Server unterstützt diese Funktion nicht.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="311"/>
        <source>The server reported an internal error.</source>
        <translation>Der Server hat einen internen Fehler gemeldet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminclient.cpp" line="313"/>
        <source>(Details: %1)</source>
        <translation>(Details: %1)</translation>
    </message>
</context>
<context>
    <name>parley::admin::AdminsPage</name>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="45"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="46"/>
        <source>TOTP</source>
        <translation>TOTP</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="47"/>
        <source>Must change password</source>
        <translation>Muss Passwort ändern</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="48"/>
        <source>Locked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="49"/>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="53"/>
        <source>Admin accounts</source>
        <translation>Administratorkonten</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="58"/>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="60"/>
        <source>New admin name</source>
        <translation>Name des neuen Administrators</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="61"/>
        <source>name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="64"/>
        <source>One-time password for the new admin</source>
        <translation>Einmalpasswort für den neuen Administrator</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="65"/>
        <source>one-time password (12+ characters)</source>
        <translation>Einmalpasswort (mindestens 12 Zeichen)</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="66"/>
        <source>&amp;Create admin</source>
        <translation>Administrator &amp;anlegen</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="69"/>
        <source>New one-time password for the selected admin</source>
        <translation>Neues Einmalpasswort für den ausgewählten Administrator</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="70"/>
        <source>new one-time password</source>
        <translation>neues Einmalpasswort</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="71"/>
        <source>&amp;Set password</source>
        <translation>Passwort &amp;setzen</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="72"/>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="73"/>
        <source>Turn TOTP &amp;off</source>
        <translation>TOTP a&amp;usschalten</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="84"/>
        <source>New admin:</source>
        <translation>Neuer Administrator:</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="85"/>
        <source>Selected admin:</source>
        <translation>Ausgewählter Administrator:</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="87"/>
        <source>Two-factor login (TOTP) for your account</source>
        <translation>Zwei-Faktor-Anmeldung (TOTP) für Ihr Konto</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="88"/>
        <source>&amp;Start TOTP enrolment</source>
        <translation>TOTP-Einrichtung &amp;starten</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="92"/>
        <source>QR code for the authenticator app</source>
        <translation>QR-Code für die Authenticator-App</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="99"/>
        <source>Current code from the authenticator app</source>
        <translation>Aktueller Code aus der Authenticator-App</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="100"/>
        <source>6-digit code</source>
        <translation>6-stelliger Code</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="102"/>
        <source>&amp;Confirm and turn on</source>
        <translation>&amp;Bestätigen und einschalten</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="127"/>
        <source>Admin %1 created; they must choose their own password at the first login.</source>
        <translation>Administrator %1 wurde angelegt und muss bei der ersten Anmeldung ein eigenes Passwort wählen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="137"/>
        <source>Select an admin first.</source>
        <translation>Wählen Sie zuerst einen Administrator aus.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="144"/>
        <source>%1 has a new one-time password and was logged out.</source>
        <translation>%1 hat ein neues Einmalpasswort und wurde abgemeldet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="153"/>
        <source>Delete the admin account %1?</source>
        <translation>Das Administratorkonto %1 löschen?</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="157"/>
        <source>Admin %1 was deleted.</source>
        <translation>Administrator %1 wurde gelöscht.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="166"/>
        <source>Turn off two-factor login for %1?</source>
        <translation>Zwei-Faktor-Anmeldung für %1 ausschalten?</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="170"/>
        <source>TOTP is off for %1.</source>
        <translation>TOTP ist für %1 ausgeschaltet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="179"/>
        <source>Scan the QR code with your authenticator app, or enter this secret: %1</source>
        <translation>Scannen Sie den QR-Code mit Ihrer Authenticator-App oder geben Sie dieses Geheimnis ein: %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="189"/>
        <source>Two-factor login is on. From now on you log in with a code from your app.</source>
        <translation>Die Zwei-Faktor-Anmeldung ist eingeschaltet. Ab jetzt melden Sie sich mit einem Code aus Ihrer App an.</translation>
    </message>
    <message>
        <location filename="../admin-gui/adminspage.cpp" line="203"/>
        <source>Administrators</source>
        <translation>Administratoren</translation>
    </message>
</context>
<context>
    <name>parley::admin::AuditPage</name>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="27"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="28"/>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="29"/>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="30"/>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="31"/>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="38"/>
        <source>administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="39"/>
        <source>Filter by administrator</source>
        <translation>Nach Administrator filtern</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="42"/>
        <source>action, e.g. user.create</source>
        <translation>Aktion, z. B. user.create</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="43"/>
        <source>Filter by action</source>
        <translation>Nach Aktion filtern</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="44"/>
        <source>&amp;Filter</source>
        <translation>&amp;Filtern</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="45"/>
        <source>E&amp;xport CSV…</source>
        <translation>Als CSV e&amp;xportieren …</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="53"/>
        <source>Audit records</source>
        <translation>Audit-Einträge</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="68"/>
        <source>Export the audit log</source>
        <translation>Audit-Protokoll exportieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="68"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location filename="../admin-gui/auditpage.cpp" line="78"/>
        <source>Audit log</source>
        <translation>Audit-Protokoll</translation>
    </message>
</context>
<context>
    <name>parley::admin::BotDialog</name>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="88"/>
        <source>A bot&apos;s name ends in .bot, e.g. alerts.bot.</source>
        <translation>Der Name eines Bots endet auf .bot, z. B. alerts.bot.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="90"/>
        <source>Use lower case letters only.</source>
        <translation>Nur Kleinbuchstaben verwenden.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="92"/>
        <source>A bot&apos;s name must end in .bot, e.g. %1.bot.</source>
        <translation>Der Name eines Bots muss auf .bot enden, z. B. %1.bot.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="94"/>
        <source>Only a-z, 0-9, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit, at most 64 characters.</source>
        <translation>Nur a-z, 0-9, „.“, „_“ und „-“, beginnend mit einem Buchstaben oder einer Ziffer, höchstens 64 Zeichen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="96"/>
        <source>The name is fine.</source>
        <translation>Der Name ist in Ordnung.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="124"/>
        <source>Room %1</source>
        <translation>Raum %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="124"/>
        <source>User %1</source>
        <translation>Benutzer %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="134"/>
        <source>&quot;%1&quot; is not a user or room name (a-z, 0-9, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit).</source>
        <translation>„%1“ ist kein Benutzer- oder Raumname (a-z, 0-9, „.“, „_“ und „-“, beginnend mit einem Buchstaben oder einer Ziffer).</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="139"/>
        <source>A scope holds at most %1 users and rooms.</source>
        <translation>Ein Bereich umfasst höchstens %1 Benutzer und Räume.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="155"/>
        <source>At most %1 bytes.</source>
        <translation>Höchstens %1 Bytes.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="160"/>
        <source>Choose &quot;Anyone&quot;, or add at least one user or room.</source>
        <translation>Wählen Sie „Alle“ oder fügen Sie mindestens einen Benutzer oder Raum hinzu.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="165"/>
        <source>The expiry must be in the future. To end a bot at once, revoke it.</source>
        <translation>Der Ablauf muss in der Zukunft liegen. Um einen Bot sofort zu beenden, widerrufen Sie ihn.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="185"/>
        <source>Nothing was changed.</source>
        <translation>Es wurde nichts geändert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="198"/>
        <source>Creating the bot …</source>
        <translation>Der Bot wird angelegt …</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="198"/>
        <source>Saving …</source>
        <translation>Wird gespeichert …</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="207"/>
        <source>A user or bot of this name exists, or has an enrollment code pending.</source>
        <translation>Ein Benutzer oder Bot dieses Namens existiert bereits oder hat einen offenen Registrierungscode.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="233"/>
        <source>New bot</source>
        <translation>Neuer Bot</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="233"/>
        <source>Change %1</source>
        <translation>%1 ändern</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="236"/>
        <source>A bot is a service account for an integration. Its device makes its own keys when it enrolls with the one-time code shown next; the server holds it to the scope, rate and expiry set here.</source>
        <translation>Ein Bot ist ein Dienstkonto für eine Integration. Sein Gerät erzeugt seine eigenen Schlüssel, wenn es sich mit dem anschließend angezeigten Einmalcode registriert; der Server hält es an den Bereich, die Rate und den Ablauf, die hier eingestellt sind.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="239"/>
        <source>Changes apply to the bot&apos;s next message. An earlier expiry ends its live sessions at once.</source>
        <translation>Änderungen gelten ab der nächsten Nachricht des Bots. Ein früherer Ablauf beendet seine laufenden Sitzungen sofort.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="248"/>
        <source>Bot name</source>
        <translation>Name des Bots</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="249"/>
        <source>alerts.bot</source>
        <translation>alerts.bot</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="255"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="265"/>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="270"/>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="271"/>
        <source>what it does and who looks after it</source>
        <translation>was er tut und wer sich um ihn kümmert</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="272"/>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="276"/>
        <source>&amp;Anyone: every user and every room it is a member of</source>
        <translation>&amp;Alle: jeder Benutzer und jeder Raum, in dem er Mitglied ist</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="278"/>
        <source>&amp;Only these users and rooms:</source>
        <translation>Nur &amp;diese Benutzer und Räume:</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="285"/>
        <source>Users and rooms the bot may send to</source>
        <translation>Benutzer und Räume, an die der Bot senden darf</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="289"/>
        <source>User or room</source>
        <translation>Benutzer oder Raum</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="290"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="291"/>
        <source>Room</source>
        <translation>Raum</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="294"/>
        <source>Name of the user or room</source>
        <translation>Name des Benutzers oder Raums</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="295"/>
        <source>user or room name</source>
        <translation>Benutzer- oder Raumname</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="296"/>
        <source>A&amp;dd</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="298"/>
        <source>&amp;Remove</source>
        <translation>En&amp;tfernen</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="311"/>
        <source>May send to:</source>
        <translation>Darf senden an:</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="325"/>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="333"/>
        <source>Its logins are refused from then on; at most ten years ahead.</source>
        <translation>Ab dann werden seine Anmeldungen abgelehnt; höchstens zehn Jahre im Voraus.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="335"/>
        <source>&amp;Expires:</source>
        <translation>Läuft a&amp;b:</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="340"/>
        <source>Messages per second</source>
        <translation>Nachrichten pro Sekunde</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="343"/>
        <source>&amp;Rate (messages per second):</source>
        <translation>&amp;Rate (Nachrichten pro Sekunde):</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="346"/>
        <source>Burst</source>
        <translation>Spitze</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="349"/>
        <source>&amp;Burst (messages):</source>
        <translation>&amp;Spitze (Nachrichten):</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="353"/>
        <source>Enrollment code valid for hours</source>
        <translation>Registrierungscode gültig für Stunden</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="356"/>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="358"/>
        <source>&amp;Code valid for:</source>
        <translation>&amp;Code gültig für:</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="367"/>
        <source>&amp;Create bot</source>
        <translation>Bot an&amp;legen</translation>
    </message>
    <message>
        <location filename="../admin-gui/botdialog.cpp" line="367"/>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
</context>
<context>
    <name>parley::admin::BotsPage</name>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="52"/>
        <source>anyone</source>
        <translation>alle</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="54"/>
        <source>room %1</source>
        <translation>Raum %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="61"/>
        <source>%1/s, burst %2</source>
        <translation>%1/s, Spitze %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="72"/>
        <source>The one-time code of %1&apos;s device, shown only now. On the bot&apos;s host, enroll it with &quot;parley-bot --profile DIR enroll LINK&quot; (or scan the QR code with a device that runs the bot). Anyone with the code can enroll as this bot until it is used or expires; a lost code is replaced on the Users page (New enrollment code).</source>
        <translation>Der Einmalcode für das Gerät von %1, nur jetzt angezeigt. Registrieren Sie es auf dem Rechner des Bots mit „parley-bot --profile DIR enroll LINK“ (oder scannen Sie den QR-Code mit einem Gerät, auf dem der Bot läuft). Wer den Code hat, kann sich als dieser Bot registrieren, bis er verwendet wurde oder abläuft; einen verlorenen Code ersetzt die Seite Benutzer (Neuer Registrierungscode).</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="85"/>
        <source>The bot %1 was created.</source>
        <translation>Der Bot %1 wurde angelegt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="86"/>
        <source>The bot %1 was changed.</source>
        <translation>Der Bot %1 wurde geändert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="103"/>
        <source>Bots are service accounts for integrations: monitoring alerts, deploy notices, a help desk. Their devices hold their own keys like anyone&apos;s; the server holds each bot to whom it may send, how fast, and until when. Names ending in .bot are bots&apos; alone.</source>
        <translation>Bots sind Dienstkonten für Integrationen: Alarme aus der Überwachung, Meldungen über Auslieferungen, ein Helpdesk. Ihre Geräte haben wie alle anderen ihre eigenen Schlüssel; der Server hält jeden Bot daran, an wen er senden darf, wie schnell und bis wann. Namen, die auf .bot enden, gehören allein Bots.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="110"/>
        <location filename="../admin-gui/botspage.cpp" line="111"/>
        <source>Search bots</source>
        <translation>Bots suchen</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="113"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="114"/>
        <source>&amp;New bot…</source>
        <translation>&amp;Neuer Bot …</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="121"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="122"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="123"/>
        <source>May send to</source>
        <translation>Darf senden an</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="124"/>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="125"/>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="126"/>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="127"/>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="137"/>
        <location filename="../admin-gui/botspage.cpp" line="195"/>
        <source>Bots</source>
        <translation>Bots</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="144"/>
        <source>&amp;Change…</source>
        <translation>Ä&amp;ndern …</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="146"/>
        <source>Re&amp;voke…</source>
        <translation>&amp;Widerrufen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="148"/>
        <source>Suspend a bot for a while, or give its device a new code, on the Users page.</source>
        <translation>Einen Bot vorübergehend sperren oder seinem Gerät einen neuen Code geben: auf der Seite Benutzer.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="178"/>
        <source>Revoke %1? This is final and cannot be undone: its devices are revoked, its live sessions end at once and its pending enrollment codes are deleted. The name stays taken until the bot is deleted on the Users page.</source>
        <translation>%1 widerrufen? Das ist endgültig und kann nicht rückgängig gemacht werden: Seine Geräte werden widerrufen, seine laufenden Sitzungen enden sofort und seine offenen Registrierungscodes werden gelöscht. Der Name bleibt belegt, bis der Bot auf der Seite Benutzer gelöscht wird.</translation>
    </message>
    <message>
        <location filename="../admin-gui/botspage.cpp" line="183"/>
        <source>The bot %1 was revoked.</source>
        <translation>Der Bot %1 wurde widerrufen.</translation>
    </message>
</context>
<context>
    <name>parley::admin::CaCertificateField</name>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="43"/>
        <source>%1
SHA-256: %2
Valid until %3</source>
        <translation>%1
SHA-256: %2
Gültig bis %3</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="48"/>
        <source>This certificate has expired: the server&apos;s certificate cannot be checked against it.</source>
        <translation>Dieses Zertifikat ist abgelaufen: Das Zertifikat des Servers kann damit nicht geprüft werden.</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="68"/>
        <source>CA certificate file</source>
        <translation>Datei des CA-Zertifikats</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="69"/>
        <source>corp-root-ca.pem</source>
        <translation>firma-root-ca.pem</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="71"/>
        <source>C&amp;hoose…</source>
        <translation>Aus&amp;wählen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="73"/>
        <source>Choose the CA certificate file</source>
        <translation>Datei des CA-Zertifikats auswählen</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="86"/>
        <source>Choose the CA certificate</source>
        <translation>CA-Zertifikat auswählen</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="87"/>
        <source>PEM certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>PEM-Zertifikate (*.pem *.crt *.cer);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="112"/>
        <source>(the certificate the server has)</source>
        <translation>(das Zertifikat auf dem Server)</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="121"/>
        <source>Could not read %1: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="123"/>
        <source>%1 is larger than 64 KiB; it is not a CA certificate.</source>
        <translation>%1 ist größer als 64 KiB; das ist kein CA-Zertifikat.</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="126"/>
        <source>%1 holds a private key. Choose the CA&apos;s certificate only; its key stays with the CA.</source>
        <translation>%1 enthält einen privaten Schlüssel. Wählen Sie nur das Zertifikat der CA; ihr Schlüssel bleibt bei der CA.</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="129"/>
        <source>%1 holds no PEM certificate (-----BEGIN CERTIFICATE-----).</source>
        <translation>%1 enthält kein PEM-Zertifikat (-----BEGIN CERTIFICATE-----).</translation>
    </message>
    <message>
        <location filename="../admin-gui/cacertificatefield.cpp" line="135"/>
        <source>(from the file; sent when you save)</source>
        <translation>(aus der Datei; wird beim Speichern gesendet)</translation>
    </message>
</context>
<context>
    <name>parley::admin::CallsPage</name>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="41"/>
        <source>TURN relay for audio and video calls</source>
        <translation>TURN-Relay für Audio- und Videoanrufe</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="42"/>
        <source>Devices get short-lived credentials for these TURN and STUN servers (coturn with use-auth-secret). The relay learns neither user names nor devices.</source>
        <translation>Geräte erhalten kurzlebige Zugangsdaten für diese TURN- und STUN-Server (coturn mit use-auth-secret). Das Relay erfährt weder Benutzernamen noch Geräte.</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="47"/>
        <source>TURN and STUN URIs</source>
        <translation>TURN- und STUN-URIs</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="48"/>
        <source>turn:turn.example.com:3478?transport=udp
turns:turn.example.com:5349</source>
        <translation>turn:turn.example.com:3478?transport=udp
turns:turn.example.com:5349</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="53"/>
        <source>Credential lifetime in seconds</source>
        <translation>Gültigkeit der Zugangsdaten in Sekunden</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="56"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="60"/>
        <source>Shared secret</source>
        <translation>Gemeinsames Geheimnis</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="61"/>
        <source>static-auth-secret of turnserver.conf</source>
        <translation>static-auth-secret aus turnserver.conf</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="68"/>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="70"/>
        <source>Turn &amp;off</source>
        <translation>&amp;Ausschalten</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="78"/>
        <source>URIs (one per line):</source>
        <translation>URIs (eine pro Zeile):</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="79"/>
        <source>Credential lifetime:</source>
        <translation>Gültigkeit der Zugangsdaten:</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="80"/>
        <source>Shared secret:</source>
        <translation>Gemeinsames Geheimnis:</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="96"/>
        <source>Enter at least one TURN or STUN URI.</source>
        <translation>Geben Sie mindestens eine TURN- oder STUN-URI ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="100"/>
        <source>Enter the shared secret.</source>
        <translation>Geben Sie das gemeinsame Geheimnis ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="110"/>
        <source>TURN settings saved.</source>
        <translation>TURN-Einstellungen gespeichert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="115"/>
        <source>Turn TURN off? Devices then get no relay credentials for calls, and the secret is removed.</source>
        <translation>TURN ausschalten? Geräte erhalten dann keine Relay-Zugangsdaten für Anrufe mehr, und das Geheimnis wird entfernt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="117"/>
        <source>TURN turned off.</source>
        <translation>TURN ausgeschaltet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="128"/>
        <source>Calls</source>
        <translation>Anrufe</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="142"/>
        <source>Secret: set. Leave the field empty to keep it.</source>
        <translation>Geheimnis: gesetzt. Lassen Sie das Feld leer, um es zu behalten.</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="142"/>
        <source>Secret: not set.</source>
        <translation>Geheimnis: nicht gesetzt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="145"/>
        <source>TURN is off: devices get no relay credentials.</source>
        <translation>TURN ist aus: Geräte erhalten keine Relay-Zugangsdaten.</translation>
    </message>
    <message>
        <location filename="../admin-gui/callspage.cpp" line="147"/>
        <source>TURN is on. Changed: %1</source>
        <translation>TURN ist an. Geändert: %1</translation>
    </message>
</context>
<context>
    <name>parley::admin::CertificatesPage</name>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="43"/>
        <source>Could not read %1: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="47"/>
        <source>%1 is too large for a PEM file.</source>
        <translation>%1 ist zu groß für eine PEM-Datei.</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="57"/>
        <source>Choose the certificate file first.</source>
        <translation>Wählen Sie zuerst die Zertifikatsdatei.</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="71"/>
        <source>Certificate installed; new fingerprint %1. Administrators must confirm it at their next login.</source>
        <translation>Zertifikat installiert; neuer Fingerabdruck %1. Administratoren müssen ihn bei der nächsten Anmeldung bestätigen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="82"/>
        <source>Subject</source>
        <translation>Inhaber</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="83"/>
        <source>Issuer</source>
        <translation>Aussteller</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="84"/>
        <source>Valid from</source>
        <translation>Gültig ab</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="85"/>
        <source>Valid until</source>
        <translation>Gültig bis</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="86"/>
        <source>SHA-256 fingerprint</source>
        <translation>SHA-256-Fingerabdruck</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="88"/>
        <source>Serving certificate chain</source>
        <translation>Verwendete Zertifikatskette</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="91"/>
        <location filename="../admin-gui/certificatespage.cpp" line="168"/>
        <source>Certificate chain</source>
        <translation>Zertifikatskette</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="103"/>
        <source>&amp;Reload from disk</source>
        <translation>Von der Festplatte neu &amp;laden</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="106"/>
        <source>Fingerprint:</source>
        <translation>Fingerabdruck:</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="107"/>
        <source>Expires:</source>
        <translation>Läuft ab:</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="108"/>
        <source>Admin API certificate:</source>
        <translation>Zertifikat der Admin-API:</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="115"/>
        <source>Install a certificate</source>
        <translation>Zertifikat installieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="118"/>
        <source>Certificate chain file (PEM)</source>
        <translation>Datei mit der Zertifikatskette (PEM)</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="121"/>
        <source>Private key file (PEM)</source>
        <translation>Datei mit dem privaten Schlüssel (PEM)</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="122"/>
        <source>empty: the key generated with the last signing request</source>
        <translation>leer: der mit der letzten Signierungsanfrage erzeugte Schlüssel</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="123"/>
        <location filename="../admin-gui/certificatespage.cpp" line="125"/>
        <source>Choose…</source>
        <translation>Auswählen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="124"/>
        <source>Choose the certificate file</source>
        <translation>Zertifikatsdatei auswählen</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="126"/>
        <source>Choose the private key file</source>
        <translation>Datei mit dem privaten Schlüssel auswählen</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="127"/>
        <source>&amp;Install and reload</source>
        <translation>&amp;Installieren und neu laden</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="136"/>
        <source>Certificate chain (PEM):</source>
        <translation>Zertifikatskette (PEM):</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="137"/>
        <source>Private key (PEM):</source>
        <translation>Privater Schlüssel (PEM):</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="140"/>
        <source>New key and signing request</source>
        <translation>Neuer Schlüssel und Signierungsanfrage</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="142"/>
        <source>Common name</source>
        <translation>Allgemeiner Name (CN)</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="143"/>
        <source>chat.example.com</source>
        <translation>chat.example.com</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="145"/>
        <source>Further DNS names</source>
        <translation>Weitere DNS-Namen</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="146"/>
        <source>comma-separated, optional</source>
        <translation>durch Kommas getrennt, optional</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="147"/>
        <source>&amp;Generate and save CSR…</source>
        <translation>CSR &amp;erzeugen und speichern …</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="150"/>
        <source>Common name:</source>
        <translation>Allgemeiner Name (CN):</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="151"/>
        <source>DNS names:</source>
        <translation>DNS-Namen:</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="163"/>
        <source>Certificate and key reloaded from disk.</source>
        <translation>Zertifikat und Schlüssel wurden von der Festplatte neu geladen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="168"/>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.crt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="172"/>
        <source>Private key</source>
        <translation>Privater Schlüssel</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="172"/>
        <source>PEM files (*.pem *.key);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.key);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="178"/>
        <source>Enter the common name (the server&apos;s host name) first.</source>
        <translation>Geben Sie zuerst den allgemeinen Namen (den Hostnamen des Servers) ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="187"/>
        <source>Save the signing request</source>
        <translation>Signierungsanfrage speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="188"/>
        <source>Signing requests (*.csr *.pem)</source>
        <translation>Signierungsanfragen (*.csr *.pem)</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="197"/>
        <source>Certificates</source>
        <translation>Zertifikate</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/certificatespage.cpp" line="206"/>
        <source>%1 (%n day(s) left)</source>
        <translation>
            <numerusform>%1 (noch %n Tag)</numerusform>
            <numerusform>%1 (noch %n Tage)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="210"/>
        <source>The certificate has expired. Devices cannot connect until it is replaced.</source>
        <translation>Das Zertifikat ist abgelaufen. Geräte können sich erst wieder verbinden, wenn es ersetzt ist.</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/certificatespage.cpp" line="211"/>
        <source>The certificate expires in %n day(s). Replace it soon.</source>
        <translation>
            <numerusform>Das Zertifikat läuft in %n Tag ab. Ersetzen Sie es bald.</numerusform>
            <numerusform>Das Zertifikat läuft in %n Tagen ab. Ersetzen Sie es bald.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="214"/>
        <source>the same as the serving certificate</source>
        <translation>dasselbe wie das verwendete Serverzertifikat</translation>
    </message>
    <message>
        <location filename="../admin-gui/certificatespage.cpp" line="215"/>
        <source>%1, fingerprint %2</source>
        <translation>%1, Fingerabdruck %2</translation>
    </message>
</context>
<context>
    <name>parley::admin::ClientIdentity</name>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="22"/>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="24"/>
        <source>%1 is too large for a PEM file.</source>
        <translation>%1 ist zu groß für eine PEM-Datei.</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="40"/>
        <source>Choose both the client certificate file and its private key file.</source>
        <translation>Wählen Sie sowohl die Datei des Client-Zertifikats als auch die Datei seines privaten Schlüssels.</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="49"/>
        <source>%1 does not contain a certificate in PEM format.</source>
        <translation>%1 enthält kein Zertifikat im PEM-Format.</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="58"/>
        <source>%1 does not contain a private key in PEM format.</source>
        <translation>%1 enthält keinen privaten Schlüssel im PEM-Format.</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="63"/>
        <source>The private key in %1 is encrypted: enter its passphrase.</source>
        <translation>Der private Schlüssel in %1 ist verschlüsselt: Geben Sie seine Passphrase ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="72"/>
        <source>The passphrase of the private key in %1 is wrong.</source>
        <translation>Die Passphrase des privaten Schlüssels in %1 ist falsch.</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="73"/>
        <source>%1 does not contain a usable EC or RSA private key.</source>
        <translation>%1 enthält keinen verwendbaren privaten EC- oder RSA-Schlüssel.</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="81"/>
        <source>The private key in %1 does not belong to the certificate in %2.</source>
        <translation>Der private Schlüssel in %1 gehört nicht zum Zertifikat in %2.</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="85"/>
        <source>The client certificate in %1 expired on %2.</source>
        <translation>Das Client-Zertifikat in %1 ist am %2 abgelaufen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/clientidentity.cpp" line="88"/>
        <source>The client certificate in %1 is not valid before %2.</source>
        <translation>Das Client-Zertifikat in %1 ist erst ab %2 gültig.</translation>
    </message>
</context>
<context>
    <name>parley::admin::ConnectDialog</name>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="89"/>
        <source>Please enter the server, your admin name and your password.</source>
        <translation>Bitte geben Sie den Server, Ihren Administratornamen und Ihr Passwort ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="105"/>
        <source>Connecting to %1 …</source>
        <translation>Verbindung zu %1 wird hergestellt …</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="111"/>
        <source>Logging in …</source>
        <translation>Anmeldung läuft …</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="124"/>
        <source>Enter the 6-digit code from your authenticator app.</source>
        <translation>Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="212"/>
        <source>Choose…</source>
        <translation>Auswählen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="256"/>
        <source>Connect to a Parley server</source>
        <translation>Mit einem Parley-Server verbinden</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="262"/>
        <source>Server address</source>
        <translation>Serveradresse</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="264"/>
        <source>host:port of the admin API, as parleyd prints it at start-up</source>
        <translation>Host:Port der Admin-API, wie parleyd sie beim Start ausgibt</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="267"/>
        <source>Admin name</source>
        <translation>Administratorname</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="271"/>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="272"/>
        <source>&amp;One-time code:</source>
        <translation>&amp;Einmalcode:</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="275"/>
        <source>One-time code</source>
        <translation>Einmalcode</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="279"/>
        <source>&amp;Remember the password in the system keychain</source>
        <translation>Passwort im Schlüsselbund des Systems &amp;merken</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="281"/>
        <source>Remember the password</source>
        <translation>Passwort merken</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="284"/>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="286"/>
        <source>&amp;Admin name:</source>
        <translation>&amp;Administratorname:</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="288"/>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="299"/>
        <source>C&amp;lient certificate</source>
        <translation>Client-Zer&amp;tifikat</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="301"/>
        <source>Present a client certificate</source>
        <translation>Ein Client-Zertifikat vorlegen</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="302"/>
        <source>For a server that admits administrators only with a certificate from its own certificate authority</source>
        <translation>Für einen Server, der Administratoren nur mit einem Zertifikat seiner eigenen Zertifizierungsstelle zulässt</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="308"/>
        <source>Client certificate file</source>
        <translation>Datei des Client-Zertifikats</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="309"/>
        <location filename="../admin-gui/connectdialog.cpp" line="313"/>
        <source>PEM file</source>
        <translation>PEM-Datei</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="312"/>
        <source>Private key file of the client certificate</source>
        <translation>Datei des privaten Schlüssels zum Client-Zertifikat</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="316"/>
        <source>Passphrase of the private key</source>
        <translation>Passphrase des privaten Schlüssels</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="317"/>
        <source>only if the key is encrypted</source>
        <translation>nur bei verschlüsseltem Schlüssel</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="319"/>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.crt *.key);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="320"/>
        <source>Choose the client certificate file</source>
        <translation>Datei des Client-Zertifikats auswählen</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="321"/>
        <source>Choose the private key file</source>
        <translation>Datei mit dem privaten Schlüssel auswählen</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="322"/>
        <source>Certificate &amp;file:</source>
        <translation>&amp;Zertifikatsdatei:</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="324"/>
        <source>Private &amp;key file:</source>
        <translation>Datei des privaten Sch&amp;lüssels:</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="326"/>
        <source>Key passp&amp;hrase:</source>
        <translation>Passp&amp;hrase des Schlüssels:</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="333"/>
        <source>Unknown certificate</source>
        <translation>Unbekanntes Zertifikat</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="339"/>
        <source>&amp;Trust this certificate and connect</source>
        <translation>Diesem Zertifikat &amp;vertrauen und verbinden</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="341"/>
        <source>Trust this certificate and connect</source>
        <translation>Diesem Zertifikat vertrauen und verbinden</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="347"/>
        <source>Warning: the server&apos;s certificate has changed</source>
        <translation>Warnung: Das Zertifikat des Servers hat sich geändert</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="353"/>
        <source>I replaced the certificate myself and checked the new fingerprint on the server</source>
        <translation>Ich habe das Zertifikat selbst ersetzt und den neuen Fingerabdruck auf dem Server geprüft</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="355"/>
        <source>Confirm the new certificate</source>
        <translation>Das neue Zertifikat bestätigen</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="356"/>
        <source>Trust the &amp;new certificate</source>
        <translation>Dem &amp;neuen Zertifikat vertrauen</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="358"/>
        <source>Trust the new certificate</source>
        <translation>Dem neuen Zertifikat vertrauen</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="369"/>
        <source>Connection status</source>
        <translation>Verbindungsstatus</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="372"/>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="375"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="425"/>
        <source>The certificate of %1 is not signed by an authority this computer trusts. Compare its SHA-256 fingerprint with the output of &quot;parleyd fingerprint&quot; on the server before you trust it:

%2</source>
        <translation>Das Zertifikat von %1 ist von keiner Stelle signiert, der dieser Computer vertraut. Vergleichen Sie seinen SHA-256-Fingerabdruck mit der Ausgabe von „parleyd fingerprint“ auf dem Server, bevor Sie ihm vertrauen:

%2</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="430"/>
        <source>Confirm the certificate to continue.</source>
        <translation>Bestätigen Sie das Zertifikat, um fortzufahren.</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="438"/>
        <source>The connection was refused. %1 presented a different certificate than the one you trusted before. If you did not replace it, someone may be intercepting the connection.

Trusted: %2
Presented: %3</source>
        <translation>Die Verbindung wurde abgelehnt. %1 hat ein anderes Zertifikat vorgelegt als das, dem Sie zuvor vertraut haben. Wenn Sie es nicht selbst ersetzt haben, fängt möglicherweise jemand die Verbindung ab.

Vertraut: %2
Vorgelegt: %3</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="444"/>
        <source>Connection refused for your protection.</source>
        <translation>Die Verbindung wurde zu Ihrem Schutz abgelehnt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/connectdialog.cpp" line="453"/>
        <source>Could not connect: %1</source>
        <translation>Verbindung fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>parley::admin::DashboardPage</name>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="202"/>
        <source>Server version</source>
        <translation>Serverversion</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="203"/>
        <source>Uptime</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="204"/>
        <source>Enrolled users</source>
        <translation>Registrierte Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="206"/>
        <location filename="../admin-gui/dashboardpage.cpp" line="265"/>
        <location filename="../admin-gui/dashboardpage.cpp" line="266"/>
        <source>Connected devices</source>
        <translation>Verbundene Geräte</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="207"/>
        <source>Queued messages</source>
        <translation>Wartende Nachrichten</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="208"/>
        <source>Database size</source>
        <translation>Größe der Datenbank</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="140"/>
        <source>This server keeps no history of its figures: it is older than this parley-admin. Charts appear once it is updated.</source>
        <translation>Dieser Server führt keinen Verlauf seiner Kennzahlen: Er ist älter als dieses parley-admin. Die Diagramme erscheinen, sobald er aktualisiert ist.</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="151"/>
        <source>Could not load the history: %1</source>
        <translation>Der Verlauf konnte nicht geladen werden: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/dashboardpage.cpp" line="173"/>
        <source>No samples yet: the server records its figures every %n second(s).</source>
        <translation>
            <numerusform>Noch keine Messwerte: Der Server erfasst seine Kennzahlen jede Sekunde.</numerusform>
            <numerusform>Noch keine Messwerte: Der Server erfasst seine Kennzahlen alle %n Sekunden.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="175"/>
        <location filename="../admin-gui/dashboardpage.cpp" line="249"/>
        <source>Loading the history…</source>
        <translation>Der Verlauf wird geladen…</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="205"/>
        <source>Worker threads</source>
        <translation>Arbeits-Threads</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="210"/>
        <source>Certificate fingerprint</source>
        <translation>Fingerabdruck des Zertifikats</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="209"/>
        <source>Certificate expires</source>
        <translation>Zertifikat läuft ab</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="225"/>
        <source>&lt;h3&gt;Activity&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Aktivität&lt;/h3&gt;</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="228"/>
        <source>Last 15 minutes</source>
        <translation>Letzte 15 Minuten</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="229"/>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="230"/>
        <source>Last 6 hours</source>
        <translation>Letzte 6 Stunden</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="231"/>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="232"/>
        <source>Time range of the charts</source>
        <translation>Zeitraum der Diagramme</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="265"/>
        <source>devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="267"/>
        <source>Messages per second</source>
        <translation>Nachrichten pro Sekunde</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="267"/>
        <source>messages/s</source>
        <translation>Nachrichten/s</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="268"/>
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="268"/>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="269"/>
        <source>Queue depth</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="269"/>
        <source>messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="270"/>
        <source>Queued for devices</source>
        <translation>Wartend auf Geräte</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="270"/>
        <source>Waiting for the database</source>
        <translation>Wartend auf die Datenbank</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="271"/>
        <source>Commit latency</source>
        <translation>Commit-Latenz</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="271"/>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="272"/>
        <source>Median (p50)</source>
        <translation>Median (p50)</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="272"/>
        <source>99th percentile (p99)</source>
        <translation>99. Perzentil (p99)</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="278"/>
        <source>&lt;h2&gt;Server status&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Serverstatus&lt;/h2&gt;</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="313"/>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="113"/>
        <source>Could not refresh: %1</source>
        <translation>Aktualisierung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="95"/>
        <source>%1 (expired!)</source>
        <translation>%1 (abgelaufen!)</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/dashboardpage.cpp" line="96"/>
        <source>%1 (in %n day(s))</source>
        <translation>
            <numerusform>%1 (in %n Tag)</numerusform>
            <numerusform>%1 (in %n Tagen)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="99"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location filename="../admin-gui/dashboardpage.cpp" line="102"/>
        <source>Updated %1</source>
        <translation>Aktualisiert %1</translation>
    </message>
</context>
<context>
    <name>parley::admin::DirectoryForm</name>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="98"/>
        <source>The password is read from %1 on the server at every sync.</source>
        <translation>Das Passwort wird bei jedem Abgleich aus %1 auf dem Server gelesen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="100"/>
        <source>A password is set. Leave the field empty to keep it.</source>
        <translation>Ein Passwort ist gesetzt. Lassen Sie das Feld leer, um es zu behalten.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="102"/>
        <source>No password is set: without a bind DN the sync binds anonymously.</source>
        <translation>Kein Passwort gesetzt: Ohne Bind-DN meldet sich der Abgleich anonym an.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="123"/>
        <source>Row %1: enter the group&apos;s name or DN.</source>
        <translation>Zeile %1: Geben Sie den Namen oder DN der Gruppe ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="127"/>
        <source>Row %1: &quot;%2&quot; is not a room name (a-z, 0-9, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit).</source>
        <translation>Zeile %1: „%2“ ist kein Raumname (a-z, 0-9, „.“, „_“ und „-“, beginnend mit einem Buchstaben oder einer Ziffer).</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="134"/>
        <source>At most %1 groups can be mapped to rooms.</source>
        <translation>Höchstens %1 Gruppen können Räumen zugeordnet werden.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="148"/>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="151"/>
        <source>Directory URL</source>
        <translation>URL des Verzeichnisses</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="151"/>
        <source>ldaps://dc1.corp.example:636</source>
        <translation>ldaps://dc1.firma.example:636</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="152"/>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="153"/>
        <source>Use &amp;StartTLS (for an ldap:// URL; ldap:// without it is refused)</source>
        <translation>&amp;StartTLS verwenden (für eine ldap://-URL; ldap:// ohne StartTLS wird abgelehnt)</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="157"/>
        <source>No CA certificate yet: choose the PEM file of the CA that issued the directory server&apos;s certificate. Only this CA is trusted for it.</source>
        <translation>Noch kein CA-Zertifikat: Wählen Sie die PEM-Datei der CA, die das Zertifikat des Verzeichnisservers ausgestellt hat. Nur dieser CA wird dafür vertraut.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="159"/>
        <source>CA certificate:</source>
        <translation>CA-Zertifikat:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="160"/>
        <source>Bind DN</source>
        <translation>Bind-DN</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="160"/>
        <source>cn=parley-sync,ou=services,dc=corp,dc=example</source>
        <translation>cn=parley-sync,ou=dienste,dc=firma,dc=example</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="161"/>
        <source>&amp;Bind DN:</source>
        <translation>&amp;Bind-DN:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="162"/>
        <source>Bind password</source>
        <translation>Bind-Passwort</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="162"/>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="164"/>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="169"/>
        <source>Password file on the server</source>
        <translation>Passwortdatei auf dem Server</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="170"/>
        <source>or: /etc/parleyd/directory-password (read by parleyd at every sync)</source>
        <translation>oder: /etc/parleyd/directory-password (von parleyd bei jedem Abgleich gelesen)</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="171"/>
        <source>Password &amp;file:</source>
        <translation>Passwort&amp;datei:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="172"/>
        <source>Base DN</source>
        <translation>Basis-DN</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="172"/>
        <source>dc=corp,dc=example</source>
        <translation>dc=firma,dc=example</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="173"/>
        <source>Base &amp;DN:</source>
        <translation>Basis-D&amp;N:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="176"/>
        <source>Page size</source>
        <translation>Seitengröße</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="179"/>
        <source>Page si&amp;ze (entries):</source>
        <translation>Seiten&amp;größe (Einträge):</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="182"/>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="185"/>
        <source>User filter</source>
        <translation>Benutzerfilter</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="186"/>
        <source>User &amp;filter:</source>
        <translation>Benutzer&amp;filter:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="187"/>
        <source>Active Directory: (&amp;(objectCategory=person)(objectClass=user))</source>
        <translation>Active Directory: (&amp;(objectCategory=person)(objectClass=user))</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="188"/>
        <source>User name attribute</source>
        <translation>Attribut des Benutzernamens</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="189"/>
        <source>User &amp;name attribute:</source>
        <translation>Attribut des Benutzer&amp;namens:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="190"/>
        <source>Read in lower case; Active Directory: sAMAccountName. Entries whose name is not a Parley user name are skipped and reported.</source>
        <translation>In Kleinbuchstaben gelesen; Active Directory: sAMAccountName. Einträge, deren Name kein Parley-Benutzername ist, werden übersprungen und gemeldet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="192"/>
        <source>Display name attribute</source>
        <translation>Attribut des Anzeigenamens</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="193"/>
        <source>Displa&amp;y name attribute:</source>
        <translation>Attribut des Anzei&amp;genamens:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="196"/>
        <source>When an entry counts as disabled</source>
        <translation>Wann ein Eintrag als deaktiviert gilt</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="197"/>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="198"/>
        <source>When the attribute is present</source>
        <translation>Wenn das Attribut vorhanden ist</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="199"/>
        <source>When the attribute has the value</source>
        <translation>Wenn das Attribut den Wert hat</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="200"/>
        <source>When a bit is set in the attribute&apos;s number</source>
        <translation>Wenn ein Bit in der Zahl des Attributs gesetzt ist</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="201"/>
        <source>Disabled &amp;entries:</source>
        <translation>Deaktivierte &amp;Einträge:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="202"/>
        <source>Disabled attribute</source>
        <translation>Attribut für deaktiviert</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="203"/>
        <source>e.g. userAccountControl, nsAccountLock</source>
        <translation>z. B. userAccountControl, nsAccountLock</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="204"/>
        <source>Attribute:</source>
        <translation>Attribut:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="205"/>
        <source>Disabled value</source>
        <translation>Wert für deaktiviert</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="205"/>
        <source>e.g. disabled (any case)</source>
        <translation>z. B. disabled (Groß-/Kleinschreibung egal)</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="206"/>
        <source>Value:</source>
        <translation>Wert:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="209"/>
        <source>Disabled bit</source>
        <translation>Bit für deaktiviert</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="212"/>
        <source>Active Directory&apos;s userAccountControl: 2 (ACCOUNTDISABLE)</source>
        <translation>userAccountControl von Active Directory: 2 (ACCOUNTDISABLE)</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="213"/>
        <source>Bits:</source>
        <translation>Bits:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="216"/>
        <source>Groups and rooms</source>
        <translation>Gruppen und Räume</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="219"/>
        <source>A sync reports how each mapped room&apos;s members differ from its group&apos;s; a room admin applies the changes from a device, since only room admins can sign a room&apos;s membership.</source>
        <translation>Ein Abgleich meldet, wie sich die Mitglieder jedes zugeordneten Raums von denen seiner Gruppe unterscheiden; ein Raumadministrator übernimmt die Änderungen von einem Gerät aus, denn nur Raumadministratoren können die Mitgliedschaft eines Raums signieren.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="222"/>
        <source>Group filter</source>
        <translation>Gruppenfilter</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="222"/>
        <source>empty: groups are not read</source>
        <translation>leer: Gruppen werden nicht gelesen</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="223"/>
        <source>&amp;Group filter:</source>
        <translation>&amp;Gruppenfilter:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="224"/>
        <source>Group name attribute</source>
        <translation>Attribut des Gruppennamens</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="225"/>
        <source>Group na&amp;me attribute:</source>
        <translation>Attribut des Gruppenna&amp;mens:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="226"/>
        <source>Member attribute</source>
        <translation>Attribut der Mitglieder</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="227"/>
        <source>Mem&amp;ber attribute:</source>
        <translation>Attribut der Mitgl&amp;ieder:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="230"/>
        <source>Groups mapped to rooms</source>
        <translation>Räumen zugeordnete Gruppen</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="231"/>
        <source>Directory group (name or DN)</source>
        <translation>Gruppe im Verzeichnis (Name oder DN)</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="231"/>
        <source>Parley room</source>
        <translation>Parley-Raum</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="236"/>
        <source>&amp;Add mapping</source>
        <translation>Zuordnung &amp;hinzufügen</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="238"/>
        <source>Remo&amp;ve mapping</source>
        <translation>Zuordnung en&amp;tfernen</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="249"/>
        <source>Rooms:</source>
        <translation>Räume:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="252"/>
        <source>Schedule</source>
        <translation>Zeitplan</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="257"/>
        <source>only on demand</source>
        <translation>nur auf Anforderung</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="258"/>
        <source>Sync interval</source>
        <translation>Abgleichintervall</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="260"/>
        <source>Sync &amp;every:</source>
        <translation>Abgleich a&amp;lle:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="263"/>
        <source>no grace: at the next sync</source>
        <translation>keine Frist: beim nächsten Abgleich</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="264"/>
        <source>Grace period</source>
        <translation>Frist</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="266"/>
        <source>G&amp;race period:</source>
        <translation>F&amp;rist:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="267"/>
        <source>How long a user whose entry is gone stays suspended before it is deleted (at most 366 days).</source>
        <translation>Wie lange ein Benutzer, dessen Eintrag verschwunden ist, gesperrt bleibt, bevor er gelöscht wird (höchstens 366 Tage).</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="271"/>
        <source>Enrollment codes valid for hours</source>
        <translation>Registrierungscodes gültig für Stunden</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="274"/>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="275"/>
        <source>New users&apos; &amp;codes valid for:</source>
        <translation>&amp;Codes neuer Benutzer gültig für:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="372"/>
        <source>Enter the directory&apos;s URL: ldaps://HOST[:PORT], or ldap://HOST[:PORT] with StartTLS.</source>
        <translation>Geben Sie die URL des Verzeichnisses ein: ldaps://HOST[:PORT] oder ldap://HOST[:PORT] mit StartTLS.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="376"/>
        <source>Choose the CA certificate (PEM) the directory server&apos;s certificate must chain to.</source>
        <translation>Wählen Sie das CA-Zertifikat (PEM), auf das sich das Zertifikat des Verzeichnisservers zurückführen lassen muss.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="384"/>
        <source>Enter a password or name a password file, not both.</source>
        <translation>Geben Sie ein Passwort oder eine Passwortdatei an, nicht beides.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="389"/>
        <source>At most %1 bytes.</source>
        <translation>Höchstens %1 Bytes.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="393"/>
        <source>A password needs the bind DN it belongs to.</source>
        <translation>Ein Passwort braucht den Bind-DN, zu dem es gehört.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="400"/>
        <source>Enter the base DN the searches start at, e.g. dc=corp,dc=example.</source>
        <translation>Geben Sie den Basis-DN ein, bei dem die Suchen beginnen, z. B. dc=firma,dc=example.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="408"/>
        <source>Enter the attribute that tells a disabled entry.</source>
        <translation>Geben Sie das Attribut ein, an dem ein deaktivierter Eintrag zu erkennen ist.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="410"/>
        <source>Enter the value of a disabled entry.</source>
        <translation>Geben Sie den Wert eines deaktivierten Eintrags ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="422"/>
        <source>Mapping groups to rooms needs the group filter that reads the groups.</source>
        <translation>Für die Zuordnung von Gruppen zu Räumen ist der Gruppenfilter nötig, mit dem die Gruppen gelesen werden.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="429"/>
        <source>From 10 seconds to 7 days, or only on demand.</source>
        <translation>10 Sekunden bis 7 Tage, oder nur auf Anforderung.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directoryform.cpp" line="435"/>
        <source>At most 366 days.</source>
        <translation>Höchstens 366 Tage.</translation>
    </message>
</context>
<context>
    <name>parley::admin::DirectoryPage</name>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="70"/>
        <source>Not set up: users are not synced from a directory.</source>
        <translation>Nicht eingerichtet: Benutzer werden nicht aus einem Verzeichnis abgeglichen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="72"/>
        <source>%1, base %2. Changed: %3</source>
        <translation>%1, Basis %2. Geändert: %3</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="77"/>
        <source>none since the server started</source>
        <translation>keiner seit dem Start des Servers</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="82"/>
        <source>scheduled</source>
        <translation>geplant</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="83"/>
        <source>by %1</source>
        <translation>von %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="84"/>
        <source>dry run</source>
        <translation>Probelauf</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="84"/>
        <source>sync</source>
        <translation>Abgleich</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="86"/>
        <source>%1 (%2, %3): %4 created, %5 suspended, %6 resumed, %7 deleted, %8 skipped</source>
        <translation>%1 (%2, %3): %4 angelegt, %5 gesperrt, %6 entsperrt, %7 gelöscht, %8 übersprungen</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="94"/>
        <source>%1 (%2, %3) failed, nothing changed: %4</source>
        <translation>%1 (%2, %3) fehlgeschlagen, nichts geändert: %4</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="100"/>
        <source>a sync is running now</source>
        <translation>ein Abgleich läuft gerade</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="102"/>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="104"/>
        <source>%1 (every %2)</source>
        <translation>%1 (alle %2)</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="107"/>
        <source>only on demand</source>
        <translation>nur auf Anforderung</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="109"/>
        <source>The last run, %1 (enrollment codes are shown only by the run that created them):</source>
        <translation>Der letzte Lauf, %1 (Registrierungscodes zeigt nur der Lauf, der sie erzeugt hat):</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="162"/>
        <source>The directory settings were not saved: see the marked field.</source>
        <translation>Die Einstellungen des Verzeichnisses wurden nicht gespeichert: siehe das markierte Feld.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="170"/>
        <source>The directory settings were saved. Nothing connects to the directory until a dry run or a sync.</source>
        <translation>Die Einstellungen des Verzeichnisses wurden gespeichert. Erst ein Probelauf oder ein Abgleich verbindet sich mit dem Verzeichnis.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="181"/>
        <source>Dry run: reading the directory …</source>
        <translation>Probelauf: Das Verzeichnis wird gelesen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="182"/>
        <source>Sync: reading the directory …</source>
        <translation>Abgleich: Das Verzeichnis wird gelesen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="191"/>
        <source>Dry run at %1: what a sync would do now.</source>
        <translation>Probelauf um %1: was ein Abgleich jetzt tun würde.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="192"/>
        <source>Sync at %1.</source>
        <translation>Abgleich um %1.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="194"/>
        <source>Dry run finished: nothing was changed.</source>
        <translation>Probelauf beendet: Es wurde nichts geändert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="195"/>
        <source>Sync finished.</source>
        <translation>Abgleich beendet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="219"/>
        <source>Sync from LDAP or Active Directory</source>
        <translation>Abgleich mit LDAP oder Active Directory</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="230"/>
        <source>&amp;Dry run</source>
        <translation>&amp;Probelauf</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="232"/>
        <source>Reads the directory and reports what a sync would change, changing nothing.</source>
        <translation>Liest das Verzeichnis und meldet, was ein Abgleich ändern würde, ohne etwas zu ändern.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="233"/>
        <source>S&amp;ync now</source>
        <translation>&amp;Jetzt abgleichen</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="243"/>
        <source>Directory:</source>
        <translation>Verzeichnis:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="244"/>
        <source>Last sync:</source>
        <translation>Letzter Abgleich:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="245"/>
        <source>Next sync:</source>
        <translation>Nächster Abgleich:</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="266"/>
        <source>&amp;Save settings</source>
        <translation>Einstellungen &amp;speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="268"/>
        <source>&amp;Remove settings…</source>
        <translation>Einstellungen &amp;entfernen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="270"/>
        <source>Re&amp;vert</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="272"/>
        <source>Shows the server&apos;s settings again, dropping unsaved edits.</source>
        <translation>Zeigt wieder die Einstellungen des Servers und verwirft ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="281"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="287"/>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="290"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="291"/>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="292"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="293"/>
        <source>Suspended by the sync</source>
        <translation>Vom Abgleich gesperrt</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="294"/>
        <source>Deleted at</source>
        <translation>Gelöscht am</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="295"/>
        <source>Synced</source>
        <translation>Abgeglichen</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="296"/>
        <source>Entry</source>
        <translation>Eintrag</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="304"/>
        <source>Users linked to directory entries</source>
        <translation>Mit Verzeichniseinträgen verknüpfte Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="310"/>
        <source>Only these users are ever changed by a sync. &quot;Deleted at&quot;: the user&apos;s entry is gone; it is deleted then unless it returns. &quot;never&quot;: still in the directory.</source>
        <translation>Nur diese Benutzer ändert ein Abgleich jemals. „Gelöscht am“: Der Eintrag des Benutzers ist verschwunden; der Benutzer wird dann gelöscht, sofern der Eintrag nicht zurückkehrt. „nie“: noch im Verzeichnis.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="314"/>
        <source>Re&amp;fresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="322"/>
        <source>Linked users</source>
        <translation>Verknüpfte Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="331"/>
        <source>Remove the directory settings and the stored bind password? Syncs stop; the users made by the sync stay as they are.</source>
        <translation>Die Einstellungen des Verzeichnisses und das gespeicherte Bind-Passwort entfernen? Die Abgleiche enden; die vom Abgleich angelegten Benutzer bleiben, wie sie sind.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="337"/>
        <source>The directory settings were removed.</source>
        <translation>Die Einstellungen des Verzeichnisses wurden entfernt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="343"/>
        <source>Sync now? Users are created, suspended and deleted as the directory says. A dry run shows the changes first.</source>
        <translation>Jetzt abgleichen? Benutzer werden angelegt, gesperrt und gelöscht, wie es das Verzeichnis vorgibt. Ein Probelauf zeigt die Änderungen vorher.</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="349"/>
        <source>Save the enrollment codes</source>
        <translation>Registrierungscodes speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="349"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location filename="../admin-gui/directorypage.cpp" line="362"/>
        <source>Directory</source>
        <translation>Verzeichnis</translation>
    </message>
</context>
<context>
    <name>parley::admin::DurationEdit</name>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="36"/>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="37"/>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="38"/>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="39"/>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <location filename="../admin-gui/durationedit.cpp" line="90"/>
        <source>%1: unit</source>
        <translation>%1: Einheit</translation>
    </message>
</context>
<context>
    <name>parley::admin::EnrollmentDialog</name>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="34"/>
        <source>Enrollment for %1</source>
        <translation>Registrierung für %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="38"/>
        <source>Give %1 this one-time code, or let them scan the QR code with the Parley app. Anyone with the code can enroll as this user until it is used or expires.</source>
        <translation>Geben Sie %1 diesen Einmalcode oder lassen Sie den QR-Code mit der Parley-App scannen. Wer den Code hat, kann sich als dieser Benutzer registrieren, bis er verwendet wurde oder abläuft.</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="45"/>
        <source>Enrollment code</source>
        <translation>Registrierungscode</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="51"/>
        <source>Enrollment link</source>
        <translation>Registrierungslink</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="55"/>
        <source>QR code of the enrollment link</source>
        <translation>QR-Code des Registrierungslinks</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="58"/>
        <source>The link is too long for a QR code.</source>
        <translation>Der Link ist zu lang für einen QR-Code.</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="63"/>
        <source>Code:</source>
        <translation>Code:</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="64"/>
        <source>Link:</source>
        <translation>Link:</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="65"/>
        <source>Valid until:</source>
        <translation>Gültig bis:</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="70"/>
        <source>Copy c&amp;ode</source>
        <translation>C&amp;ode kopieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="72"/>
        <source>Copy &amp;link</source>
        <translation>&amp;Link kopieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="76"/>
        <source>The code was copied.</source>
        <translation>Der Code wurde kopiert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="80"/>
        <source>The link was copied.</source>
        <translation>Der Link wurde kopiert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="82"/>
        <source>&amp;Save QR code as PNG…</source>
        <translation>QR-Code als PNG &amp;speichern …</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="87"/>
        <source>Save QR code</source>
        <translation>QR-Code speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="87"/>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="93"/>
        <source>Saved %1.</source>
        <translation>%1 gespeichert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/enrollmentdialog.cpp" line="122"/>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>parley::admin::FilesPage</name>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="48"/>
        <source>%1 (%2 bytes)</source>
        <translation>%1 (%2 Byte)</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="60"/>
        <source>(deleted user)</source>
        <translation>(gelöschter Benutzer)</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="80"/>
        <source>The largest file must be from 1 byte to 1024 TiB.</source>
        <translation>Die größte Datei muss zwischen 1 Byte und 1024 TiB liegen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="83"/>
        <source>The quota per user must be from 1 byte to 1024 TiB.</source>
        <translation>Das Kontingent pro Benutzer muss zwischen 1 Byte und 1024 TiB liegen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="90"/>
        <source>Attachment limits saved; they apply to the next upload.</source>
        <translation>Grenzen für Anhänge gespeichert; sie gelten ab dem nächsten Hochladen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="102"/>
        <source>Limits of attachments</source>
        <translation>Grenzen für Anhänge</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="103"/>
        <source>Devices upload attachments end-to-end encrypted: the server learns their size, never their content. A new limit applies to the next upload; uploads under way and stored attachments are kept.</source>
        <translation>Geräte laden Anhänge Ende-zu-Ende-verschlüsselt hoch: Der Server erfährt ihre Größe, nie ihren Inhalt. Eine neue Grenze gilt ab dem nächsten Hochladen; laufende und gespeicherte Anhänge bleiben erhalten.</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="110"/>
        <source>Largest file</source>
        <translation>Größte Datei</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="113"/>
        <source>Quota per user</source>
        <translation>Kontingent pro Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="114"/>
        <source>All of a user&apos;s attachments together, unfinished uploads included.</source>
        <translation>Alle Anhänge eines Benutzers zusammen, unfertig hochgeladene eingeschlossen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="116"/>
        <source>&amp;Apply limits</source>
        <translation>Grenzen &amp;übernehmen</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="118"/>
        <source>Largest &amp;file:</source>
        <translation>Größte &amp;Datei:</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="120"/>
        <source>&amp;Quota per user:</source>
        <translation>&amp;Kontingent pro Benutzer:</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="133"/>
        <source>Storage taken by attachments</source>
        <translation>Speicherplatz der Anhänge</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="140"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="143"/>
        <source>In all:</source>
        <translation>Insgesamt:</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="144"/>
        <source>Attachments:</source>
        <translation>Anhänge:</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="148"/>
        <source>Declared sizes, unfinished uploads included. &quot;(deleted user)&quot;: attachments of users who were deleted, kept while messages still refer to them.</source>
        <translation>Angegebene Größen, unfertig hochgeladene Anhänge eingeschlossen. „(gelöschter Benutzer)“: Anhänge gelöschter Benutzer, die bleiben, solange Nachrichten auf sie verweisen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="152"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="153"/>
        <source>Storage</source>
        <translation>Speicherplatz</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="154"/>
        <source>Attachments</source>
        <translation>Anhänge</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="162"/>
        <source>Storage per user</source>
        <translation>Speicherplatz pro Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/filespage.cpp" line="190"/>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
</context>
<context>
    <name>parley::admin::HistoryChart</name>
    <message>
        <location filename="../admin-gui/historychart.cpp" line="116"/>
        <source>%1
%2: %3 %4</source>
        <translation>%1
%2: %3 %4</translation>
    </message>
</context>
<context>
    <name>parley::admin::LoggingPage</name>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="49"/>
        <source>debug (everything)</source>
        <translation>Debug (alles)</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="51"/>
        <source>info</source>
        <translation>Info</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="53"/>
        <source>warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="55"/>
        <source>critical errors only</source>
        <translation>nur kritische Fehler</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="56"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="68"/>
        <source>Verbosity of %1</source>
        <translation>Ausführlichkeit von %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="101"/>
        <source>%1 now logs at level %2.</source>
        <translation>%1 protokolliert jetzt auf Stufe %2.</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="131"/>
        <source>Verbosity per subsystem</source>
        <translation>Ausführlichkeit je Subsystem</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="134"/>
        <source>Retention</source>
        <translation>Aufbewahrung</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="138"/>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="139"/>
        <source>Keep events for days</source>
        <translation>Ereignisse so viele Tage aufbewahren</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="140"/>
        <source>&amp;Apply</source>
        <translation>&amp;Übernehmen</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="143"/>
        <source>Keep events for</source>
        <translation>Ereignisse aufbewahren für</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="148"/>
        <location filename="../admin-gui/loggingpage.cpp" line="177"/>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="149"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="150"/>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="151"/>
        <source>Subsystem</source>
        <translation>Subsystem</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="152"/>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="161"/>
        <location filename="../admin-gui/loggingpage.cpp" line="162"/>
        <source>Filter events</source>
        <translation>Ereignisse filtern</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="166"/>
        <source>Minimum level</source>
        <translation>Mindeststufe</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="167"/>
        <source>all levels</source>
        <translation>alle Stufen</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="168"/>
        <source>info and above</source>
        <translation>Info und höher</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="169"/>
        <source>warnings and above</source>
        <translation>Warnungen und höher</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="170"/>
        <source>critical only</source>
        <translation>nur kritisch</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="171"/>
        <source>&amp;Live</source>
        <translation>&amp;Live</translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="174"/>
        <source>Refresh the events live</source>
        <translation>Ereignisse laufend aktualisieren</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/loggingpage.cpp" line="211"/>
        <source>Events are now kept for %n day(s).</source>
        <translation>
            <numerusform>Ereignisse werden jetzt %n Tag aufbewahrt.</numerusform>
            <numerusform>Ereignisse werden jetzt %n Tage aufbewahrt.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/loggingpage.cpp" line="220"/>
        <source>Event logging</source>
        <translation>Ereignisprotokoll</translation>
    </message>
</context>
<context>
    <name>parley::admin::MainWindow</name>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="57"/>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="94"/>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="95"/>
        <source>Parley administration – %1</source>
        <translation>Parley-Verwaltung – %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="118"/>
        <source>Your password was changed.</source>
        <translation>Ihr Passwort wurde geändert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="127"/>
        <source>Parley administration</source>
        <translation>Parley-Verwaltung</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="135"/>
        <source>Functions</source>
        <translation>Funktionen</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="168"/>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="169"/>
        <source>Change my &amp;password…</source>
        <translation>Mein &amp;Passwort ändern …</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="171"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="177"/>
        <source>&amp;Log out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="180"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../admin-gui/mainwindow.cpp" line="198"/>
        <source>The connection to the server was lost: %1</source>
        <translation>Die Verbindung zum Server wurde unterbrochen: %1</translation>
    </message>
</context>
<context>
    <name>parley::admin::Page</name>
    <message>
        <location filename="../admin-gui/page.cpp" line="74"/>
        <source>Please confirm</source>
        <translation>Bitte bestätigen</translation>
    </message>
    <message>
        <location filename="../admin-gui/page.cpp" line="110"/>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/page.cpp" line="113"/>
        <source>Saved %1.</source>
        <translation>%1 gespeichert.</translation>
    </message>
</context>
<context>
    <name>parley::admin::PasswordChangeDialog</name>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="37"/>
        <source>too short or too simple</source>
        <translation>zu kurz oder zu einfach</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="38"/>
        <source>weak</source>
        <translation>schwach</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="39"/>
        <source>fair</source>
        <translation>mittel</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="40"/>
        <source>strong</source>
        <translation>stark</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="41"/>
        <source>very strong</source>
        <translation>sehr stark</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="43"/>
        <source>Strength: %1</source>
        <translation>Stärke: %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="48"/>
        <source>Use at least 12 characters with at least 4 different ones.</source>
        <translation>Verwenden Sie mindestens 12 Zeichen, darunter mindestens 4 verschiedene.</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="50"/>
        <source>The two new passwords differ.</source>
        <translation>Die beiden neuen Passwörter stimmen nicht überein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="62"/>
        <source>Changing the password …</source>
        <translation>Passwort wird geändert …</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="90"/>
        <source>Choose your own password</source>
        <translation>Wählen Sie Ihr eigenes Passwort</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="90"/>
        <source>Change your password</source>
        <translation>Passwort ändern</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="91"/>
        <source>You logged in with a one-time password. Choose your own password now; nothing else is available until you have done so.</source>
        <translation>Sie haben sich mit einem Einmalpasswort angemeldet. Wählen Sie jetzt Ihr eigenes Passwort; bis dahin ist nichts anderes verfügbar.</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="93"/>
        <source>Choose a new password for your admin account.</source>
        <translation>Wählen Sie ein neues Passwort für Ihr Administratorkonto.</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="99"/>
        <source>Current password</source>
        <translation>Aktuelles Passwort</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="103"/>
        <source>New password</source>
        <translation>Neues Passwort</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="107"/>
        <source>Confirm the new password</source>
        <translation>Neues Passwort bestätigen</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="112"/>
        <source>Password strength</source>
        <translation>Passwortstärke</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="121"/>
        <source>C&amp;urrent password:</source>
        <translation>A&amp;ktuelles Passwort:</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="123"/>
        <source>&amp;New password:</source>
        <translation>&amp;Neues Passwort:</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="125"/>
        <source>Con&amp;firm:</source>
        <translation>&amp;Bestätigen:</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="138"/>
        <source>&amp;Change password</source>
        <translation>Passwort ä&amp;ndern</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="141"/>
        <source>&amp;Log out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <location filename="../admin-gui/passwordchangedialog.cpp" line="141"/>
        <source>&amp;Cancel</source>
        <translation>Abb&amp;rechen</translation>
    </message>
</context>
<context>
    <name>parley::admin::ProxyPage</name>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="39"/>
        <source>Outbound proxy for messaging traffic the server initiates</source>
        <translation>Ausgehender Proxy für Nachrichtenverkehr, den der Server aufbaut</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="42"/>
        <source>Proxy type</source>
        <translation>Proxy-Typ</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="43"/>
        <source>No proxy</source>
        <translation>Kein Proxy</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="44"/>
        <source>HTTP proxy</source>
        <translation>HTTP-Proxy</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="45"/>
        <source>SOCKS5 proxy</source>
        <translation>SOCKS5-Proxy</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="48"/>
        <source>Proxy host</source>
        <translation>Proxy-Host</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="53"/>
        <source>Proxy port</source>
        <translation>Proxy-Port</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="55"/>
        <source>Proxy user name</source>
        <translation>Proxy-Benutzername</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="58"/>
        <source>Proxy password</source>
        <translation>Proxy-Passwort</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="60"/>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="63"/>
        <source>Type:</source>
        <translation>Typ:</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="64"/>
        <location filename="../admin-gui/proxypage.cpp" line="87"/>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="65"/>
        <location filename="../admin-gui/proxypage.cpp" line="88"/>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="66"/>
        <source>User:</source>
        <translation>Benutzer:</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="67"/>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="71"/>
        <source>Test the connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="74"/>
        <source>Test host</source>
        <translation>Test-Host</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="75"/>
        <source>push.example.com</source>
        <translation>push.example.com</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="80"/>
        <source>Test port</source>
        <translation>Test-Port</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="81"/>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="104"/>
        <source>Enter the proxy host.</source>
        <translation>Geben Sie den Proxy-Host ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="116"/>
        <source>Proxy settings saved.</source>
        <translation>Proxy-Einstellungen gespeichert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="122"/>
        <source>Enter a host to connect to.</source>
        <translation>Geben Sie einen Host ein, zu dem verbunden werden soll.</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="128"/>
        <source>Connecting …</source>
        <translation>Verbindung wird hergestellt …</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="130"/>
        <source>Connected successfully.</source>
        <translation>Verbindung erfolgreich hergestellt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="140"/>
        <source>Messaging proxy</source>
        <translation>Messaging-Proxy</translation>
    </message>
    <message>
        <location filename="../admin-gui/proxypage.cpp" line="152"/>
        <source>A password is set; leave the field empty to keep it.</source>
        <translation>Ein Passwort ist gesetzt; lassen Sie das Feld leer, um es zu behalten.</translation>
    </message>
</context>
<context>
    <name>parley::admin::PushPage</name>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="63"/>
        <source>Could not read %1: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="67"/>
        <source>%1 is larger than 64 KiB; it is not a key file.</source>
        <translation>%1 ist größer als 64 KiB; das ist keine Schlüsseldatei.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="77"/>
        <source>set through the admin API</source>
        <translation>über die Admin-API gesetzt</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="79"/>
        <source>from the configuration file (saving here replaces it)</source>
        <translation>aus der Konfigurationsdatei (Speichern hier ersetzt sie)</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="86"/>
        <source>Not configured: devices of this kind are not woken up.</source>
        <translation>Nicht eingerichtet: Geräte dieser Art werden nicht geweckt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="89"/>
        <source>Configured.</source>
        <translation>Eingerichtet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="89"/>
        <source>Configured, %1.</source>
        <translation>Eingerichtet, %1.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="93"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="97"/>
        <source>Changed: %1</source>
        <translation>Geändert: %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="99"/>
        <source>%1 wake-ups waiting, %2 failed for good</source>
        <translation>%1 Weckrufe warten, %2 endgültig fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="125"/>
        <source>Key ID</source>
        <translation>Schlüssel-ID</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="126"/>
        <source>Team ID</source>
        <translation>Team-ID</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="127"/>
        <source>Topic</source>
        <translation>Topic</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="128"/>
        <location filename="../admin-gui/pushpage.cpp" line="139"/>
        <source>Endpoint</source>
        <translation>Endpunkt</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="137"/>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="138"/>
        <source>Service account</source>
        <translation>Dienstkonto</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="142"/>
        <source>Contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="149"/>
        <source>Wake-ups waiting: %1; failed for good: %2</source>
        <translation>Wartende Weckrufe: %1; endgültig fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="167"/>
        <source>APNs needs the key ID and the team ID.</source>
        <translation>APNs braucht die Schlüssel-ID und die Team-ID.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="171"/>
        <source>Choose the APNs key file (.p8) first.</source>
        <translation>Wählen Sie zuerst die APNs-Schlüsseldatei (.p8).</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="183"/>
        <source>The APNs credentials were saved.</source>
        <translation>Die APNs-Zugangsdaten wurden gespeichert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="190"/>
        <source>Choose the FCM service account file (JSON) first.</source>
        <translation>Wählen Sie zuerst die FCM-Dienstkontodatei (JSON).</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="200"/>
        <source>The FCM service account was saved.</source>
        <translation>Das FCM-Dienstkonto wurde gespeichert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="208"/>
        <source>The Web Push contact must be a mailto: or https: address.</source>
        <translation>Der Web-Push-Kontakt muss eine mailto:- oder https:-Adresse sein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="224"/>
        <source>Web Push is set up with a new key the server generated.</source>
        <translation>Web Push ist mit einem neuen, vom Server erzeugten Schlüssel eingerichtet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="225"/>
        <source>The Web Push key was saved.</source>
        <translation>Der Web-Push-Schlüssel wurde gespeichert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="231"/>
        <source>Remove the %1 credentials? Devices of this kind are no longer woken up until new ones are set.</source>
        <translation>Die %1-Zugangsdaten entfernen? Geräte dieser Art werden nicht mehr geweckt, bis neue gesetzt sind.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="237"/>
        <source>The %1 credentials were removed.</source>
        <translation>Die %1-Zugangsdaten wurden entfernt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="265"/>
        <source>Choose…</source>
        <translation>Auswählen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="284"/>
        <source>Wake-ups carry no content: they only tell an offline device to connect. Key files are sent to the server and never shown here.</source>
        <translation>Weckrufe enthalten keine Inhalte: Sie sagen einem Gerät ohne Verbindung nur, dass es sich verbinden soll. Schlüsseldateien werden an den Server gesendet und hier nie angezeigt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="293"/>
        <source>Apple Push Notification service (APNs)</source>
        <translation>Apple Push Notification service (APNs)</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="294"/>
        <source>APNs status</source>
        <translation>APNs-Status</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="295"/>
        <source>APNs key file</source>
        <translation>APNs-Schlüsseldatei</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="295"/>
        <source>AuthKey_XXXXXXXXXX.p8</source>
        <translation>AuthKey_XXXXXXXXXX.p8</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="296"/>
        <source>APNs key ID</source>
        <translation>APNs-Schlüssel-ID</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="297"/>
        <source>Apple team ID</source>
        <translation>Apple-Team-ID</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="298"/>
        <source>APNs topic</source>
        <translation>APNs-Topic</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="298"/>
        <source>optional: the app&apos;s bundle ID</source>
        <translation>optional: die Bundle-ID der App</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="299"/>
        <source>APNs endpoint</source>
        <translation>APNs-Endpunkt</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="299"/>
        <source>optional: Apple&apos;s production service</source>
        <translation>optional: Apples Produktivdienst</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="300"/>
        <source>Save APNs</source>
        <translation>APNs speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="302"/>
        <location filename="../admin-gui/pushpage.cpp" line="329"/>
        <location filename="../admin-gui/pushpage.cpp" line="361"/>
        <source>Remove…</source>
        <translation>Entfernen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="304"/>
        <source>Remove the APNs credentials</source>
        <translation>Die APNs-Zugangsdaten entfernen</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="311"/>
        <source>Key file (.p8):</source>
        <translation>Schlüsseldatei (.p8):</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="312"/>
        <source>Choose the APNs key file</source>
        <translation>Die APNs-Schlüsseldatei auswählen</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="313"/>
        <source>APNs keys (*.p8 *.pem);;All files (*)</source>
        <translation>APNs-Schlüssel (*.p8 *.pem);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="314"/>
        <source>Key ID:</source>
        <translation>Schlüssel-ID:</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="315"/>
        <source>Team ID:</source>
        <translation>Team-ID:</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="316"/>
        <source>Topic:</source>
        <translation>Topic:</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="317"/>
        <location filename="../admin-gui/pushpage.cpp" line="341"/>
        <source>Endpoint:</source>
        <translation>Endpunkt:</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="321"/>
        <source>Firebase Cloud Messaging (FCM)</source>
        <translation>Firebase Cloud Messaging (FCM)</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="322"/>
        <source>FCM status</source>
        <translation>FCM-Status</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="323"/>
        <source>FCM service account file</source>
        <translation>FCM-Dienstkontodatei</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="323"/>
        <source>service-account.json</source>
        <translation>service-account.json</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="324"/>
        <source>FCM endpoint</source>
        <translation>FCM-Endpunkt</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="324"/>
        <source>optional: Google&apos;s service</source>
        <translation>optional: Googles Dienst</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="325"/>
        <source>FCM token endpoint</source>
        <translation>FCM-Token-Endpunkt</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="326"/>
        <source>optional: the one in the service account</source>
        <translation>optional: der aus dem Dienstkonto</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="327"/>
        <source>Save FCM</source>
        <translation>FCM speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="331"/>
        <source>Remove the FCM credentials</source>
        <translation>Die FCM-Zugangsdaten entfernen</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="338"/>
        <source>Service account (JSON):</source>
        <translation>Dienstkonto (JSON):</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="339"/>
        <source>Choose the FCM service account file</source>
        <translation>Die FCM-Dienstkontodatei auswählen</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="340"/>
        <source>JSON files (*.json);;All files (*)</source>
        <translation>JSON-Dateien (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="342"/>
        <source>Token endpoint:</source>
        <translation>Token-Endpunkt:</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="346"/>
        <source>Web Push (VAPID)</source>
        <translation>Web Push (VAPID)</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="347"/>
        <source>Web Push status</source>
        <translation>Web-Push-Status</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="348"/>
        <source>Web Push contact</source>
        <translation>Web-Push-Kontakt</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="348"/>
        <source>mailto:admin@example.com</source>
        <translation>mailto:admin@example.com</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="349"/>
        <source>VAPID private key file</source>
        <translation>Private VAPID-Schlüsseldatei</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="350"/>
        <source>optional: empty lets the server generate a key</source>
        <translation>optional: leer lässt den Server einen Schlüssel erzeugen</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="351"/>
        <source>VAPID public key</source>
        <translation>Öffentlicher VAPID-Schlüssel</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="353"/>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="355"/>
        <source>Copy the VAPID public key</source>
        <translation>Den öffentlichen VAPID-Schlüssel kopieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="359"/>
        <source>Save Web Push</source>
        <translation>Web Push speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="363"/>
        <source>Remove the Web Push credentials</source>
        <translation>Die Web-Push-Zugangsdaten entfernen</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="370"/>
        <source>Contact:</source>
        <translation>Kontakt:</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="371"/>
        <source>Private key (PEM):</source>
        <translation>Privater Schlüssel (PEM):</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="372"/>
        <source>Choose the VAPID key file</source>
        <translation>Die VAPID-Schlüsseldatei auswählen</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="373"/>
        <source>PEM files (*.pem *.key);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.key);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="374"/>
        <source>Public key:</source>
        <translation>Öffentlicher Schlüssel:</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="388"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="401"/>
        <source>APNs</source>
        <translation>APNs</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="402"/>
        <source>FCM</source>
        <translation>FCM</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="403"/>
        <source>Web Push</source>
        <translation>Web Push</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="406"/>
        <source>The VAPID public key was copied to the clipboard.</source>
        <translation>Der öffentliche VAPID-Schlüssel wurde in die Zwischenablage kopiert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/pushpage.cpp" line="415"/>
        <source>Push</source>
        <translation>Push-Dienste</translation>
    </message>
</context>
<context>
    <name>parley::admin::RecordModel</name>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="76"/>
        <source>%1 bytes</source>
        <translation>%1 Byte</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="84"/>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="87"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="87"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="89"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="95"/>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="97"/>
        <source>suspended</source>
        <translation>gesperrt</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="99"/>
        <source>waiting for enrollment</source>
        <translation>wartet auf Registrierung</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="101"/>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="103"/>
        <source>revoked</source>
        <translation>widerrufen</translation>
    </message>
    <message>
        <location filename="../admin-gui/recordmodel.cpp" line="105"/>
        <source>no user</source>
        <translation>kein Benutzer</translation>
    </message>
</context>
<context>
    <name>parley::admin::RoomsPage</name>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="107"/>
        <source>Room defaults saved; they apply to rooms created from now on.</source>
        <translation>Raum-Voreinstellungen gespeichert; sie gelten für alle ab jetzt erstellten Räume.</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="115"/>
        <source>messages expire after %1</source>
        <translation>Nachrichten verfallen nach %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="116"/>
        <source>messages do not expire</source>
        <translation>Nachrichten verfallen nicht</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="117"/>
        <source>%1; burn after reading</source>
        <translation>%1; nach dem Lesen löschen</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="124"/>
        <source>Room %1</source>
        <translation>Raum %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="126"/>
        <source>Title: %1
Description: %2
%3 members, %4 of them admins; %5 membership records; last change %6</source>
        <translation>Titel: %1
Beschreibung: %2
%3 Mitglieder, davon %4 Admins; %5 Mitgliedschaftseinträge; letzte Änderung %6</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="129"/>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="135"/>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="142"/>
        <source>nothing beyond the room&apos;s own policy</source>
        <translation>nichts über die eigenen Regeln des Raums hinaus</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="164"/>
        <location filename="../admin-gui/roomspage.cpp" line="280"/>
        <source>Room</source>
        <translation>Raum</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="165"/>
        <source>Select a room to see its policy and members.</source>
        <translation>Wählen Sie einen Raum, um seine Regeln und Mitglieder zu sehen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="232"/>
        <source>The server now enforces this retention in %1.</source>
        <translation>Der Server setzt diese Aufbewahrung jetzt in %1 durch.</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="249"/>
        <source>Defaults and limits for new rooms</source>
        <translation>Voreinstellungen und Grenzen für neue Räume</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="253"/>
        <source>Most members a room may have</source>
        <translation>Höchstzahl der Mitglieder eines Raums</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="254"/>
        <source>&amp;Longest expiry a room may choose:</source>
        <translation>&amp;Längste Verfallszeit, die ein Raum wählen darf:</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="258"/>
        <source>Longest expiry a room may choose</source>
        <translation>Längste Verfallszeit, die ein Raum wählen darf</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="260"/>
        <source>&amp;Expiry of new rooms:</source>
        <translation>&amp;Verfallszeit neuer Räume:</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="264"/>
        <source>Expiry of new rooms</source>
        <translation>Verfallszeit neuer Räume</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="266"/>
        <source>New rooms &amp;burn messages after reading</source>
        <translation>Neue Räume &amp;löschen Nachrichten nach dem Lesen</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="268"/>
        <source>&amp;Save defaults</source>
        <translation>Voreinstellungen &amp;speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="270"/>
        <source>&amp;Most members:</source>
        <translation>&amp;Höchstzahl Mitglieder:</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="281"/>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="282"/>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="283"/>
        <source>Expiry</source>
        <translation>Verfallszeit</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="284"/>
        <source>Burn after reading</source>
        <translation>Nach dem Lesen löschen</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="285"/>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="286"/>
        <source>Last change</source>
        <translation>Letzte Änderung</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="294"/>
        <location filename="../admin-gui/roomspage.cpp" line="295"/>
        <source>Search rooms</source>
        <translation>Räume suchen</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="297"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="303"/>
        <location filename="../admin-gui/roomspage.cpp" line="440"/>
        <source>Rooms</source>
        <translation>Räume</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="309"/>
        <source>&amp;Delete room…</source>
        <translation>Raum &amp;löschen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="326"/>
        <source>Set by the room&apos;s admins:</source>
        <translation>Von den Admins des Raums festgelegt:</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="327"/>
        <source>Enforced by this server:</source>
        <translation>Von diesem Server durchgesetzt:</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="328"/>
        <source>In effect:</source>
        <translation>Wirksam:</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="329"/>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="330"/>
        <source>Room admin</source>
        <translation>Raum-Admin</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="335"/>
        <source>Members of the selected room</source>
        <translation>Mitglieder des gewählten Raums</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="342"/>
        <source>Retention enforced by the server</source>
        <translation>Vom Server durchgesetzte Aufbewahrung</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="344"/>
        <source>Title, description and the room&apos;s own expiry and burn-after-reading belong to the room&apos;s admins: they are signed by their devices, and the server cannot change them. The server can only enforce stricter retention on top: a shorter expiry, or burn-after-reading for every message.</source>
        <translation>Titel, Beschreibung sowie die eigene Verfallszeit und das Löschen nach dem Lesen gehören den Admins des Raums: Ihre Geräte signieren sie, und der Server kann sie nicht ändern. Der Server kann nur eine strengere Aufbewahrung zusätzlich durchsetzen: eine kürzere Verfallszeit oder das Löschen jeder Nachricht nach dem Lesen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="350"/>
        <source>Delete messages after at &amp;most:</source>
        <translation>Nachrichten &amp;spätestens löschen nach:</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="354"/>
        <source>Longest time messages are kept in this room</source>
        <translation>Längste Aufbewahrungszeit für Nachrichten in diesem Raum</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="356"/>
        <source>&amp;Force burn after reading</source>
        <translation>Löschen nach dem Lesen &amp;erzwingen</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="358"/>
        <source>&amp;Apply retention</source>
        <translation>Aufbewahrung &amp;anwenden</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="422"/>
        <source>Delete the room %1 with its membership chain? Its members lose it on all their devices. This cannot be undone.</source>
        <translation>Den Raum %1 mit seiner Mitgliedschaftskette löschen? Seine Mitglieder verlieren ihn auf allen ihren Geräten. Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <location filename="../admin-gui/roomspage.cpp" line="428"/>
        <source>The room %1 was deleted.</source>
        <translation>Der Raum %1 wurde gelöscht.</translation>
    </message>
</context>
<context>
    <name>parley::admin::SizeEdit</name>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="51"/>
        <source>bytes</source>
        <translation>Byte</translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="52"/>
        <source>KiB</source>
        <translation>KiB</translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="53"/>
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="54"/>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="55"/>
        <source>TiB</source>
        <translation>TiB</translation>
    </message>
    <message>
        <location filename="../admin-gui/sizeedit.cpp" line="100"/>
        <source>%1: unit</source>
        <translation>%1: Einheit</translation>
    </message>
</context>
<context>
    <name>parley::admin::SsoPage</name>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="80"/>
        <source>Off: enrollment codes come from administrators (and the directory sync) only.</source>
        <translation>Aus: Registrierungscodes kommen nur von Administratoren (und vom Verzeichnisabgleich).</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="82"/>
        <source>On: people sign in at %1 and get their enrollment code; the sign-in pages listen on %2.</source>
        <translation>An: Personen melden sich bei %1 an und erhalten ihren Registrierungscode; die Anmeldeseiten lauschen auf %2.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="85"/>
        <source>Set up, but not running: see the last error.</source>
        <translation>Eingerichtet, aber nicht in Betrieb: siehe den letzten Fehler.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="90"/>
        <source>From [sso] in the configuration file. Saving here replaces it.</source>
        <translation>Aus [sso] der Konfigurationsdatei. Speichern hier ersetzt sie.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="92"/>
        <source>Set through the admin API, %1.</source>
        <translation>Über die Admin-API gesetzt, %1.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="93"/>
        <source>Set through the admin API.</source>
        <translation>Über die Admin-API gesetzt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="95"/>
        <source>Not set.</source>
        <translation>Nicht gesetzt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="97"/>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="105"/>
        <source>A client secret is set. Leave the field empty to keep it.</source>
        <translation>Ein Client-Geheimnis ist gesetzt. Lassen Sie das Feld leer, um es zu behalten.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="106"/>
        <location filename="../admin-gui/ssopage.cpp" line="389"/>
        <source>No client secret is set.</source>
        <translation>Kein Client-Geheimnis gesetzt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="124"/>
        <source>This server has no administration of single sign-on (its admin API has no sso.* calls). Update parleyd to set it up here; until then it is set in [sso] of parleyd.conf (docs/operations.md).</source>
        <translation>Dieser Server bietet keine Verwaltung des Single Sign-on (seine Admin-API hat keine sso.*-Aufrufe). Aktualisieren Sie parleyd, um es hier einzurichten; bis dahin wird es in [sso] von parleyd.conf eingestellt (docs/operations.md).</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="148"/>
        <source>Enter the provider&apos;s issuer URL, e.g. https://login.example.com/realms/staff (its discovery document is ISSUER/.well-known/openid-configuration).</source>
        <translation>Geben Sie die Issuer-URL des Anbieters ein, z. B. https://login.example.com/realms/staff (sein Discovery-Dokument ist ISSUER/.well-known/openid-configuration).</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="154"/>
        <source>Enter the client ID the provider gave Parley.</source>
        <translation>Geben Sie die Client-ID ein, die der Anbieter Parley gegeben hat.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="161"/>
        <source>Enter the client secret the provider gave Parley.</source>
        <translation>Geben Sie das Client-Geheimnis ein, das der Anbieter Parley gegeben hat.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="168"/>
        <source>Enter an address and port, e.g. 0.0.0.0:8445 or [::]:8445.</source>
        <translation>Geben Sie eine Adresse und einen Port ein, z. B. 0.0.0.0:8445 oder [::]:8445.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="176"/>
        <source>Enter the https:// address people&apos;s browsers reach the sign-in pages at, e.g. https://parley.example.com:8445.</source>
        <translation>Geben Sie die https://-Adresse ein, unter der die Browser der Personen die Anmeldeseiten erreichen, z. B. https://parley.example.com:8445.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="186"/>
        <source>From 1 minute to 1 day.</source>
        <translation>1 Minute bis 1 Tag.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="199"/>
        <source>The single sign-on settings were not saved: see the marked field.</source>
        <translation>Die Einstellungen des Single Sign-on wurden nicht gespeichert: siehe das markierte Feld.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="206"/>
        <source>The single sign-on settings were saved.</source>
        <translation>Die Einstellungen des Single Sign-on wurden gespeichert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="217"/>
        <source>Asking the provider …</source>
        <translation>Der Anbieter wird gefragt …</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="224"/>
        <source>The provider answered.
Issuer: %1
Authorization endpoint: %2
Token endpoint: %3
Signing keys: %4</source>
        <translation>Der Anbieter hat geantwortet.
Issuer: %1
Autorisierungs-Endpunkt: %2
Token-Endpunkt: %3
Signaturschlüssel: %4</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="234"/>
        <source>The test failed: %1</source>
        <translation>Der Test ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="256"/>
        <source>Single sign-on for enrollment</source>
        <translation>Single Sign-on für die Registrierung</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="257"/>
        <source>People prove who they are at your OpenID Connect provider and get an enrollment code for their user, without an administrator issuing one.</source>
        <translation>Personen weisen sich bei Ihrem OpenID-Connect-Anbieter aus und erhalten einen Registrierungscode für ihren Benutzer, ohne dass ein Administrator ihn ausstellt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="273"/>
        <source>Redirect URI</source>
        <translation>Redirect-URI</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="275"/>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="277"/>
        <source>Copy the redirect URI</source>
        <translation>Redirect-URI kopieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="281"/>
        <source>Register this at your identity provider as the redirect URI of Parley&apos;s client.</source>
        <translation>Tragen Sie diese bei Ihrem Identitätsanbieter als Redirect-URI des Parley-Clients ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="285"/>
        <source>State:</source>
        <translation>Zustand:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="286"/>
        <source>Settings:</source>
        <translation>Einstellungen:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="287"/>
        <source>Last error:</source>
        <translation>Letzter Fehler:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="288"/>
        <source>Redirect URI:</source>
        <translation>Redirect-URI:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="292"/>
        <source>Identity provider</source>
        <translation>Identitätsanbieter</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="295"/>
        <source>Issuer URL</source>
        <translation>Issuer-URL</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="295"/>
        <source>https://login.example.com/realms/staff</source>
        <translation>https://login.example.com/realms/staff</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="296"/>
        <source>&amp;Issuer:</source>
        <translation>&amp;Issuer:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="297"/>
        <source>Client ID</source>
        <translation>Client-ID</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="297"/>
        <source>parley</source>
        <translation>parley</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="298"/>
        <source>Client &amp;ID:</source>
        <translation>Client-I&amp;D:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="299"/>
        <source>Client secret</source>
        <translation>Client-Geheimnis</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="299"/>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="301"/>
        <source>Client &amp;secret:</source>
        <translation>Client-&amp;Geheimnis:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="306"/>
        <source>None: the system&apos;s trusted CAs check the provider&apos;s certificate. Choose a CA (PEM) for a provider with a certificate of your own CA.</source>
        <translation>Keines: Die vertrauenswürdigen CAs des Systems prüfen das Zertifikat des Anbieters. Wählen Sie eine CA (PEM) für einen Anbieter mit einem Zertifikat Ihrer eigenen CA.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="308"/>
        <source>CA certificate:</source>
        <translation>CA-Zertifikat:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="311"/>
        <source>User name from</source>
        <translation>Benutzername aus</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="312"/>
        <source>the preferred_username claim</source>
        <translation>dem Claim preferred_username</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="313"/>
        <source>the email claim</source>
        <translation>dem Claim email</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="314"/>
        <source>&amp;User name from:</source>
        <translation>&amp;Benutzername aus:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="315"/>
        <source>Create a user for a person who has none &amp;yet</source>
        <translation>&amp;Einen Benutzer für eine Person anlegen, die noch keinen hat</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="320"/>
        <source>Enrollment codes valid for</source>
        <translation>Registrierungscodes gültig für</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="322"/>
        <source>Codes &amp;valid for:</source>
        <translation>Codes gültig &amp;für:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="325"/>
        <source>Sign-in pages</source>
        <translation>Anmeldeseiten</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="328"/>
        <source>Listen address</source>
        <translation>Lauschadresse</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="328"/>
        <source>0.0.0.0:8445</source>
        <translation>0.0.0.0:8445</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="329"/>
        <source>&amp;Listen on:</source>
        <translation>&amp;Lauschen auf:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="330"/>
        <source>Public URL</source>
        <translation>Öffentliche URL</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="330"/>
        <source>https://parley.example.com:8445</source>
        <translation>https://parley.example.com:8445</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="331"/>
        <source>&amp;Public URL:</source>
        <translation>Ö&amp;ffentliche URL:</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="332"/>
        <source>Where people&apos;s browsers reach the sign-in pages; the redirect URI is made from it.</source>
        <translation>Wo die Browser der Personen die Anmeldeseiten erreichen; daraus wird die Redirect-URI gebildet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="352"/>
        <source>&amp;Save settings</source>
        <translation>Einstellungen &amp;speichern</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="354"/>
        <source>&amp;Test provider</source>
        <translation>Anbieter &amp;testen</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="356"/>
        <source>Fetches the provider&apos;s discovery document and signing keys as parleyd sees them.</source>
        <translation>Holt das Discovery-Dokument und die Signaturschlüssel des Anbieters so, wie parleyd sie sieht.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="357"/>
        <source>&amp;Remove settings…</source>
        <translation>Einstellungen &amp;entfernen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="372"/>
        <source>The redirect URI was copied.</source>
        <translation>Die Redirect-URI wurde kopiert.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="377"/>
        <source>Remove the single sign-on settings and the client secret? The sign-in pages stop; codes already issued stay valid.</source>
        <translation>Die Einstellungen des Single Sign-on und das Client-Geheimnis entfernen? Die Anmeldeseiten werden beendet; bereits ausgestellte Codes bleiben gültig.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="382"/>
        <source>The single sign-on settings were removed.</source>
        <translation>Die Einstellungen des Single Sign-on wurden entfernt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/ssopage.cpp" line="396"/>
        <source>Single sign-on</source>
        <translation>Single Sign-on</translation>
    </message>
</context>
<context>
    <name>parley::admin::SyncReportView</name>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="105"/>
        <location filename="../admin-gui/syncreportview.cpp" line="256"/>
        <source>No sync has run yet. &quot;Dry run&quot; shows what a sync would change without changing anything.</source>
        <translation>Noch kein Abgleich gelaufen. „Probelauf“ zeigt, was ein Abgleich ändern würde, ohne etwas zu ändern.</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="111"/>
        <location filename="../admin-gui/syncreportview.cpp" line="122"/>
        <location filename="../admin-gui/syncreportview.cpp" line="133"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="112"/>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="113"/>
        <location filename="../admin-gui/syncreportview.cpp" line="134"/>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="114"/>
        <location filename="../admin-gui/syncreportview.cpp" line="118"/>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="117"/>
        <source>Name in the directory</source>
        <translation>Name im Verzeichnis</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="119"/>
        <source>Entry</source>
        <translation>Eintrag</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="123"/>
        <source>Deleted at</source>
        <translation>Gelöscht am</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="126"/>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="127"/>
        <source>Room</source>
        <translation>Raum</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="128"/>
        <source>To add</source>
        <translation>Hinzuzufügen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="129"/>
        <source>To remove</source>
        <translation>Zu entfernen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="130"/>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="135"/>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="136"/>
        <source>Valid until</source>
        <translation>Gültig bis</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="137"/>
        <source>Link</source>
        <translation>Link</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="143"/>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="144"/>
        <source>Skipped entries</source>
        <translation>Übersprungene Einträge</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="145"/>
        <source>Users waiting for deletion</source>
        <translation>Benutzer, die auf ihre Löschung warten</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="146"/>
        <source>Rooms and groups</source>
        <translation>Räume und Gruppen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="149"/>
        <source>Enrollment codes of new users</source>
        <translation>Registrierungscodes neuer Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="150"/>
        <source>Shown only now: the server keeps no copy. Hand each code to its user, or save them all and send them through your usual channel.</source>
        <translation>Nur jetzt angezeigt: Der Server behält keine Kopie. Geben Sie jedem Benutzer seinen Code, oder speichern Sie alle und verschicken Sie sie auf Ihrem üblichen Weg.</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="154"/>
        <source>Show &amp;QR code…</source>
        <translation>&amp;QR-Code anzeigen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="156"/>
        <source>Cop&amp;y all</source>
        <translation>Alle &amp;kopieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="158"/>
        <source>Sa&amp;ve as CSV…</source>
        <translation>Als CSV s&amp;peichern …</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="186"/>
        <source>The codes were copied: one line per user with name, code and link.</source>
        <translation>Die Codes wurden kopiert: eine Zeile je Benutzer mit Name, Code und Link.</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="197"/>
        <source>create user</source>
        <translation>Benutzer anlegen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="199"/>
        <source>link existing user</source>
        <translation>vorhandenen Benutzer verknüpfen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="201"/>
        <source>suspend</source>
        <translation>sperren</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="203"/>
        <source>resume</source>
        <translation>entsperren</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="205"/>
        <source>gone: suspend, delete later</source>
        <translation>verschwunden: sperren, später löschen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="207"/>
        <source>back in the directory</source>
        <translation>wieder im Verzeichnis</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="209"/>
        <source>delete user</source>
        <translation>Benutzer löschen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="211"/>
        <source>revoke enrollment codes</source>
        <translation>Registrierungscodes widerrufen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="213"/>
        <source>unlink</source>
        <translation>Verknüpfung lösen</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="241"/>
        <source>Changes (%1)</source>
        <translation>Änderungen (%1)</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="242"/>
        <source>Skipped (%1)</source>
        <translation>Übersprungen (%1)</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="243"/>
        <source>Waiting for deletion (%1)</source>
        <translation>Warten auf Löschung (%1)</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="244"/>
        <source>Rooms (%1)</source>
        <translation>Räume (%1)</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="245"/>
        <source>Enrollment codes (%1)</source>
        <translation>Registrierungscodes (%1)</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="262"/>
        <source>Read: %1, %2, %3.</source>
        <translation>Gelesen: %1, %2, %3.</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/syncreportview.cpp" line="263"/>
        <source>%n entry(s)</source>
        <translation>
            <numerusform>%n Eintrag</numerusform>
            <numerusform>%n Einträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/syncreportview.cpp" line="264"/>
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n Gruppe</numerusform>
            <numerusform>%n Gruppen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/syncreportview.cpp" line="265"/>
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n Seite</numerusform>
            <numerusform>%n Seiten</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="267"/>
        <source>Would create %1, suspend %2, resume %3 and delete %4 of the users; %5.</source>
        <translation>Würde %1 Benutzer anlegen, %2 sperren, %3 entsperren und %4 löschen; %5.</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="268"/>
        <source>Created %1, suspended %2, resumed %3 and deleted %4 of the users; %5.</source>
        <translation>Hat %1 Benutzer angelegt, %2 gesperrt, %3 entsperrt und %4 gelöscht; %5.</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/syncreportview.cpp" line="273"/>
        <source>%n entry(s) skipped</source>
        <translation>
            <numerusform>%n Eintrag übersprungen</numerusform>
            <numerusform>%n Einträge übersprungen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="275"/>
        <source>A dry run changes nothing and issues no code.</source>
        <translation>Ein Probelauf ändert nichts und erzeugt keinen Code.</translation>
    </message>
    <message>
        <location filename="../admin-gui/syncreportview.cpp" line="277"/>
        <source>It failed (%1): %2. Nothing was changed.</source>
        <translation>Er ist fehlgeschlagen (%1): %2. Es wurde nichts geändert.</translation>
    </message>
</context>
<context>
    <name>parley::admin::UsersPage</name>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="74"/>
        <location filename="../admin-gui/userspage.cpp" line="204"/>
        <location filename="../admin-gui/userspage.cpp" line="285"/>
        <source>Devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="74"/>
        <source>Devices of %1</source>
        <translation>Geräte von %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="106"/>
        <source>Enter the new user&apos;s name first.</source>
        <translation>Geben Sie zuerst den Namen des neuen Benutzers ein.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="114"/>
        <source>User %1 created.</source>
        <translation>Benutzer %1 wurde angelegt.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="128"/>
        <source>%1 is suspended; their sessions were closed.</source>
        <translation>%1 ist gesperrt; die Sitzungen wurden beendet.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="129"/>
        <source>%1 may connect again.</source>
        <translation>%1 darf sich wieder verbinden.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="151"/>
        <source>CSV import</source>
        <translation>CSV-Import</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="152"/>
        <source>Line</source>
        <translation>Zeile</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="153"/>
        <location filename="../admin-gui/userspage.cpp" line="202"/>
        <location filename="../admin-gui/userspage.cpp" line="216"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="154"/>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="155"/>
        <source>Enrollment code</source>
        <translation>Registrierungscode</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="156"/>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="161"/>
        <source>Import results per row</source>
        <translation>Importergebnisse je Zeile</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="163"/>
        <source>%1 created, %2 failed.</source>
        <translation>%1 angelegt, %2 fehlgeschlagen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="180"/>
        <source>Could not read %1: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="184"/>
        <source>%1 is larger than 1 MiB; split it into smaller files.</source>
        <translation>%1 ist größer als 1 MiB; teilen Sie die Datei in kleinere auf.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="190"/>
        <source>Importing users …</source>
        <translation>Benutzer werden importiert …</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="203"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="205"/>
        <location filename="../admin-gui/userspage.cpp" line="218"/>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="206"/>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="207"/>
        <location filename="../admin-gui/userspage.cpp" line="220"/>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="215"/>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="217"/>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="219"/>
        <source>Enrolled</source>
        <translation>Registriert</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="225"/>
        <location filename="../admin-gui/userspage.cpp" line="226"/>
        <source>Search users</source>
        <translation>Benutzer suchen</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="228"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="229"/>
        <source>&amp;Import CSV…</source>
        <translation>CSV &amp;importieren …</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="231"/>
        <source>E&amp;xport CSV…</source>
        <translation>Als CSV e&amp;xportieren …</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="241"/>
        <source>new user name</source>
        <translation>Name des neuen Benutzers</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="242"/>
        <source>New user name</source>
        <translation>Name des neuen Benutzers</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="247"/>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="248"/>
        <source>Enrollment code valid for hours</source>
        <translation>Gültigkeit des Registrierungscodes in Stunden</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="249"/>
        <source>&amp;Create user</source>
        <translation>Benutzer &amp;anlegen</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="252"/>
        <source>New user:</source>
        <translation>Neuer Benutzer:</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="254"/>
        <source>code valid for</source>
        <translation>Code gültig für</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="260"/>
        <location filename="../admin-gui/userspage.cpp" line="376"/>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="267"/>
        <source>New enrollment &amp;code</source>
        <translation>Neuer Registrierungs&amp;code</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="269"/>
        <source>&amp;Suspend</source>
        <translation>&amp;Sperren</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="271"/>
        <source>Res&amp;ume</source>
        <translation>&amp;Entsperren</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="275"/>
        <source>Sign &amp;out everywhere</source>
        <translation>Überall &amp;abmelden</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="140"/>
        <source>%1 was signed out on every device; each must log in with its key again.</source>
        <translation>%1 wurde auf allen Geräten abgemeldet; jedes muss sich wieder mit seinem Schlüssel anmelden.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="273"/>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="288"/>
        <source>Devices of the selected user</source>
        <translation>Geräte des ausgewählten Benutzers</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="292"/>
        <source>Re&amp;voke device…</source>
        <translation>Gerät &amp;widerrufen …</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="333"/>
        <source>Delete %1 with all devices, keys and queued messages? This cannot be undone.</source>
        <translation>%1 mit allen Geräten, Schlüsseln und wartenden Nachrichten löschen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="337"/>
        <source>%1 was deleted.</source>
        <translation>%1 wurde gelöscht.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="348"/>
        <source>Revoke device %1 of %2? It is disconnected and must enroll again.</source>
        <translation>Gerät %1 von %2 widerrufen? Es wird getrennt und muss sich neu registrieren.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="353"/>
        <source>Device %1 of %2 was revoked.</source>
        <translation>Gerät %1 von %2 wurde widerrufen.</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="359"/>
        <source>Import users from CSV</source>
        <translation>Benutzer aus CSV importieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="359"/>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV-Dateien (*.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="365"/>
        <source>Export users as CSV</source>
        <translation>Benutzer als CSV exportieren</translation>
    </message>
    <message>
        <location filename="../admin-gui/userspage.cpp" line="365"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
</context>
<context>
    <name>parley::admin::WarningsPanel</name>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="39"/>
        <source>since %1</source>
        <translation>seit %1</translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="40"/>
        <source>since %1 (%2)</source>
        <translation>seit %1 (%2)</translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="77"/>
        <source>Critical</source>
        <translation>Kritisch</translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="77"/>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="101"/>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message numerus="yes">
        <location filename="../admin-gui/warningspanel.cpp" line="119"/>
        <source>Needs attention now (%n critical)</source>
        <translation>
            <numerusform>Handlungsbedarf (%n kritisch)</numerusform>
            <numerusform>Handlungsbedarf (%n kritisch)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="120"/>
        <source>Needs attention</source>
        <translation>Handlungsbedarf</translation>
    </message>
    <message>
        <location filename="../admin-gui/warningspanel.cpp" line="142"/>
        <source>Warnings</source>
        <translation>Warnungen</translation>
    </message>
</context>
</TS>
