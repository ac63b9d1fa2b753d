#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

// The German and French catalogues are complete: every message translated, none left over from
// removed strings, none missing for strings in the sources, and both compiled into the program.
namespace {

const QStringList languages{QStringLiteral("de"), QStringLiteral("fr")};

QString sourceDir()
{
    return qEnvironmentVariable("IMSA_SOURCE_DIR");
}

struct Message
{
    QString context;
    QString source;
    QString translation;
    QString type; ///< "unfinished", "vanished", "obsolete" or empty
};

QList<Message> readCatalogue(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<Message> messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1StringView("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1StringView("message")) {
            message = Message{context, {}, {}, {}};
        } else if (xml.name() == QLatin1StringView("source")) {
            message.source = xml.readElementText();
        } else if (xml.name() == QLatin1StringView("translation")) {
            message.type = xml.attributes().value(QLatin1StringView("type")).toString();
            message.translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            messages.append(message);
        }
    }
    if (xml.hasError())
        *error = xml.errorString();
    return messages;
}

QStringList placeholders(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("%[0-9]+"));
    QStringList found;
    for (const QRegularExpressionMatch &match : pattern.globalMatch(text))
        found << match.captured();
    found.sort();
    return found;
}

QStringList problemsOf(const QList<Message> &messages)
{
    QStringList problems;
    for (const Message &message : messages) {
        const QString where =
                message.context + QStringLiteral(": \"") + message.source + QLatin1Char('"');
        if (!message.type.isEmpty())
            problems << message.type + QStringLiteral(" ") + where;
        else if (message.translation.isEmpty())
            problems << QStringLiteral("empty ") + where;
        else if (placeholders(message.source) != placeholders(message.translation))
            problems << QStringLiteral("placeholders differ in ") + where;
    }
    return problems;
}

} // namespace

class tst_Translations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyMessageIsTranslated_data();
    void everyMessageIsTranslated();
    void catalogueMatchesTheSources_data();
    void catalogueMatchesTheSources();
    void compiledCatalogueIsEmbedded_data();
    void compiledCatalogueIsEmbedded();
};

void tst_Translations::initTestCase()
{
    QVERIFY2(QFile::exists(sourceDir() + QStringLiteral("/translations")),
             "IMSA_SOURCE_DIR must name the source tree");
}

void tst_Translations::everyMessageIsTranslated_data()
{
    QTest::addColumn<QString>("language");
    for (const QString &language : languages)
        QTest::addRow("%s", qPrintable(language)) << language;
}

void tst_Translations::everyMessageIsTranslated()
{
    QFETCH(QString, language);

    QString error;
    const QList<Message> messages = readCatalogue(
            sourceDir() + QStringLiteral("/translations/imsa_%1.ts").arg(language), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(messages.size() > 50);
    const QStringList problems = problemsOf(messages);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    qInfo("%s: %lld messages, all translated", qPrintable(language),
          static_cast<long long>(messages.size()));
}

void tst_Translations::catalogueMatchesTheSources_data()
{
    everyMessageIsTranslated_data();
}

void tst_Translations::catalogueMatchesTheSources()
{
    QFETCH(QString, language);

    // lupdate on a copy: a tr() string added without a translation comes out "unfinished",
    // one removed from the code "vanished". The sources are those of imsa_tray_lupdate: the
    // tray's, and the core texts it shows (app/tray/CMakeLists.txt).
    const QString lupdate = qEnvironmentVariable("IMSA_LUPDATE");
    if (!QFile::exists(lupdate))
        QSKIP("lupdate not found (IMSA_LUPDATE)");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QStringLiteral("imsa_%1.ts").arg(language));
    QVERIFY(QFile::copy(sourceDir() + QStringLiteral("/translations/imsa_%1.ts").arg(language),
                        copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(lupdate,
                  {sourceDir() + QStringLiteral("/app/tray"),
                   sourceDir() + QStringLiteral("/core/include/imsa/usertext.h"),
                   QStringLiteral("-ts"), copy, QStringLiteral("-locations"),
                   QStringLiteral("none")});
    QVERIFY(process.waitForFinished(60'000));
    QVERIFY2(process.exitCode() == 0, process.readAll().constData());

    QString error;
    const QList<Message> messages = readCatalogue(copy, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QStringList problems = problemsOf(messages);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

void tst_Translations::compiledCatalogueIsEmbedded_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expected");

    const QString controller = QStringLiteral("imsa::tray::TrayController");
    QTest::addRow("German menu") << QStringLiteral("de") << controller << QStringLiteral("Quit")
                                 << QStringLiteral("Beenden");
    QTest::addRow("German countdown")
            << QStringLiteral("de") << QStringLiteral("StatusText") << QStringLiteral("%1 h %2 min")
            << QStringLiteral("%1 Std. %2 Min.");
    QTest::addRow("French menu") << QStringLiteral("fr") << controller
                                 << QStringLiteral("Forget MFA session")
                                 << QStringLiteral("Oublier la session MFA");
    QTest::addRow("French dialog")
            << QStringLiteral("fr") << QStringLiteral("imsa::tray::MfaDialog")
            << QStringLiteral("Submit") << QStringLiteral("Valider");
}

void tst_Translations::compiledCatalogueIsEmbedded()
{
    QFETCH(QString, language);
    QFETCH(QString, context);
    QFETCH(QString, source);
    QFETCH(QString, expected);

    QTranslator translator;
    QVERIFY2(translator.load(QLocale(language), QStringLiteral("imsa"), QStringLiteral("_"),
                             QStringLiteral(":/i18n")),
             qPrintable(QStringLiteral(":/i18n/imsa_%1.qm is missing").arg(language)));
    QCOMPARE(translator.translate(context.toUtf8().constData(), source.toUtf8().constData()),
             expected);
}

QTEST_GUILESS_MAIN(tst_Translations)
#include "tst_translations.moc"
