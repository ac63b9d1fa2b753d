#include "keyeditor.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "imsa/credentialbroker.h"
#include "imsa/keystore.h"
#include "imsa/logging.h"
#include "imsa/redact.h"
#include "imsa/sessioncodec.h"
#include "secretfile.h"
#include "statustext.h"

namespace imsa::tray {

namespace {

bool looksLikeKeyId(const QString &text)
{
    static const QRegularExpression keyId(QStringLiteral("^[A-Z0-9]{16,128}$"));
    return keyId.match(text).hasMatch();
}

} // namespace

KeyEditor::KeyEditor(KeyStore &keyStore, CredentialBroker &broker, QWidget *parent)
    : QGroupBox(tr("Access key"), parent)
    , m_keyStore(keyStore)
    , m_broker(broker)
{
    m_where = new QLabel(this);
    m_where->setWordWrap(true);
    m_keyId = new QLineEdit(this);
    m_keyId->setObjectName(QStringLiteral("keyId"));
    m_keyId->setPlaceholderText(QStringLiteral("AKIA…"));
    m_secret = new QLineEdit(this);
    m_secret->setObjectName(QStringLiteral("secret"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_save = new QPushButton(tr("Save to key store"), this);
    m_save->setObjectName(QStringLiteral("save"));
    m_move = new QPushButton(tr("Move secret to keychain"), this);
    m_move->setObjectName(QStringLiteral("move"));
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("result"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_form = new QFormLayout;
    m_form->addRow(tr("Access key ID"), m_keyId);
    m_form->addRow(tr("Secret access key"), m_secret);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_where);
    layout->addLayout(m_form);
    layout->addWidget(m_save, 0, Qt::AlignRight);
    layout->addWidget(m_move, 0, Qt::AlignRight);
    layout->addWidget(m_result);

    connect(m_save, &QPushButton::clicked, this, &KeyEditor::saveKeys);
    connect(m_move, &QPushButton::clicked, this, &KeyEditor::moveSecret);
}

void KeyEditor::setProfile(const Profile &profile)
{
    // The same profile again is a reload of the files (after a move, say): the last result
    // stays up.
    if (profile.name != m_profile.name) {
        m_keyId->clear();
        m_secret->clear();
        m_result->clear();
    }
    m_profile = profile;
    setBusy(false);
    const bool base = profile.keyProfile == profile.name;
    setVisible(base);
    if (!base)
        return;
    const bool inStore = profile.secretLocation == SecretLocation::KeyStore;
    const bool inImsaFile = !inStore && profile.source == ProfileSource::ImsaFile;
    if (inStore)
        m_where->setText(tr("The secret key is kept in the key store (%1). Enter new keys to "
                            "replace them.")
                                 .arg(m_keyStore.description()));
    else if (inImsaFile)
        m_where->setText(tr("The secret key is written in %1. Move it to the key store so that "
                            "it no longer sits in a plain file.")
                                 .arg(StatusText::path(profile.sourceFile)));
    else
        m_where->setText(tr("The secret key is written in %1; imsa reads it from there.")
                                 .arg(StatusText::path(profile.sourceFile)));
    m_form->setRowVisible(m_keyId, inStore);
    m_form->setRowVisible(m_secret, inStore);
    m_save->setVisible(inStore);
    m_move->setVisible(inImsaFile);
}

void KeyEditor::saveKeys()
{
    const QString keyId = m_keyId->text().trimmed();
    const QString secret = m_secret->text();
    if (!looksLikeKeyId(keyId)) {
        showResult(tr("An access key ID is 16 or more capital letters and digits, like "
                      "AKIAIOSFODNN7EXAMPLE."),
                   true);
        return;
    }
    if (secret.size() < 16 || secret.contains(QRegularExpression(QStringLiteral("\\s")))) {
        showResult(tr("That does not look like a secret access key (40 characters, no spaces)."),
                   true);
        return;
    }
    AwsCredentials keys;
    keys.accessKeyId = keyId;
    keys.secretAccessKey = secret;
    setBusy(true);
    const QString profile = m_profile.name;
    m_keyStore.write(
            profile, encodeBaseKeys(keys), this, [this, profile, keyId](const QString &error) {
                setBusy(false);
                if (!error.isEmpty()) {
                    showResult(tr("The key store refused the keys: %1").arg(error), true);
                    return;
                }
                qCInfo(lcTray).noquote() << "stored keys" << redactKeyId(keyId) << "for" << profile;
                m_keyId->clear();
                m_secret->clear();
                retryProfiles();
                showResult(tr("Saved the keys of %1 (%2) to the key store.")
                                   .arg(profile, redactKeyId(keyId)),
                           false);
            });
}

void KeyEditor::moveSecret()
{
    // Refuse before storing anything: a secret copied to the key store but left in the file
    // would be one more copy, not a move.
    const auto check = checkSecretRemovable(m_profile.sourceFile, m_profile.name);
    if (!check) {
        showResult(tr("Cannot take the secret out of %1 safely: %2. Edit the file by hand.")
                           .arg(m_profile.sourceFile, check.error().message),
                   true);
        return;
    }
    AwsCredentials keys;
    keys.accessKeyId = m_profile.accessKeyId;
    keys.secretAccessKey = m_profile.secretAccessKey;
    setBusy(true);
    m_keyStore.write(m_profile.name, encodeBaseKeys(keys), this, [this](const QString &error) {
        finishMove(error);
    });
}

void KeyEditor::finishMove(const QString &storeError)
{
    setBusy(false);
    if (!storeError.isEmpty()) {
        showResult(tr("The key store refused the secret: %1").arg(storeError), true);
        return;
    }
    const auto removed = removeSecretFromFile(m_profile.sourceFile, m_profile.name);
    if (!removed) {
        showResult(tr("The secret is in the key store, but %1 could not be changed: %2")
                           .arg(m_profile.sourceFile, removed.error().message),
                   true);
        return;
    }
    qCInfo(lcTray).noquote() << "moved the secret of" << m_profile.name << "to the key store";
    m_move->setEnabled(false);
    showResult(tr("Moved the secret of %1 to the key store. The old file, secret "
                  "included, is in %2.bak: delete it once you have checked %2.")
                       .arg(m_profile.name, m_profile.sourceFile),
               false);
}

void KeyEditor::showResult(const QString &message, bool failed)
{
    m_result->setText(message);
    m_result->setStyleSheet(failed ? QStringLiteral("color: #c62828;") : QString());
}

void KeyEditor::setBusy(bool busy)
{
    m_save->setEnabled(!busy);
    m_move->setEnabled(!busy);
}

void KeyEditor::retryProfiles()
{
    // The broker caches keys it read and stops trying a profile whose keys were missing; the
    // same profile list again makes it read the key store afresh.
    m_broker.setProfiles(m_broker.profiles());
}

} // namespace imsa::tray
