#include "keyeditor.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "service/keymanager.h"
#include "statustext.h"

namespace imsa::tray {

using app::KeyResult;

KeyEditor::KeyEditor(app::KeyManager &keys, QWidget *parent)
    : QGroupBox(tr("Access key"), parent)
    , m_keys(keys)
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
    connect(&m_keys, &app::KeyManager::busyChanged, this, &KeyEditor::showBusy);
    connect(&m_keys, &app::KeyManager::finished, this, &KeyEditor::showFinished);
    showBusy(m_keys.isBusy());
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
    showBusy(m_keys.isBusy());
    const bool base = profile.keyProfile == profile.name;
    setVisible(base);
    if (!base)
        return;
    const bool inStore = profile.secretLocation == SecretLocation::KeyStore;
    const bool inImsaFile = !inStore && profile.source == ProfileSource::ImsaFile;
    if (inStore)
        m_where->setText(tr("The secret key is kept in the key store (%1). Enter new keys to "
                            "replace them.")
                                 .arg(m_keys.keyStoreDescription()));
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
    const auto started =
            m_keys.saveKeys(m_profile.name, m_keyId->text().trimmed(), m_secret->text());
    if (!started)
        showFinished(started.error());
}

void KeyEditor::moveSecret()
{
    const auto started = m_keys.moveSecret(m_profile);
    if (!started)
        showFinished(started.error());
}

void KeyEditor::showFinished(const KeyResult &result)
{
    showResult(describe(result),
               result.code != KeyResult::Code::Saved && result.code != KeyResult::Code::Moved);
    if (result.code == KeyResult::Code::Saved) {
        m_keyId->clear();
        m_secret->clear();
    }
    // Until the file, reloaded, says where the secret is now.
    if (result.code == KeyResult::Code::Moved)
        m_move->setEnabled(false);
}

QString KeyEditor::describe(const KeyResult &result) const
{
    switch (result.code) {
    case KeyResult::Code::Saved:
        return tr("Saved the keys of %1 (%2) to the key store.").arg(result.profile, result.keyId);
    case KeyResult::Code::Moved:
        return tr("Moved the secret of %1 to the key store. The old file, secret "
                  "included, is in %2.bak: delete it once you have checked %2.")
                .arg(result.profile, result.file);
    case KeyResult::Code::Busy:
        return tr("Another change of keys is still under way; try again once it has finished.");
    case KeyResult::Code::BadKeyId:
        return tr("An access key ID is 16 or more capital letters and digits, like "
                  "AKIAIOSFODNN7EXAMPLE.");
    case KeyResult::Code::BadSecret:
        return tr("That does not look like a secret access key (40 characters, no spaces).");
    case KeyResult::Code::SaveFailed:
        return tr("The key store refused the keys: %1").arg(result.detail);
    case KeyResult::Code::NotMovable:
        return tr("Cannot take the secret out of %1 safely: %2. Edit the file by hand.")
                .arg(result.file, result.detail);
    case KeyResult::Code::StoreFailed:
        return tr("The key store refused the secret: %1").arg(result.detail);
    case KeyResult::Code::VerifyFailed:
        return tr("The key store did not give the secret back as it was stored (%1), so it "
                  "stays in %2.")
                .arg(result.detail, result.file);
    case KeyResult::Code::FileFailed:
        return tr("The secret is now in the key store, but also still in %1, which could not be "
                  "changed: %2")
                .arg(result.file, result.detail);
    }
    return {};
}

void KeyEditor::showResult(const QString &message, bool failed)
{
    m_result->setText(message);
    m_result->setStyleSheet(failed ? QStringLiteral("color: #c62828;") : QString());
}

void KeyEditor::showBusy(bool busy)
{
    m_save->setEnabled(!busy);
    m_move->setEnabled(!busy);
}

} // namespace imsa::tray
