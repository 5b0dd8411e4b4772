; Inno Setup script for Reader on Windows (https://jrsoftware.org/isinfo.php).
; First build the one-folder app on Windows:
;   .venv\Scripts\pyinstaller --noconfirm --distpath build\dist --workpath build\work packaging\reader.spec
; then compile this script (iscc packaging\windows\reader.iss); the installer lands in build\.
#define AppName "Reader"
#define AppVersion "0.1.0"
#define AppId "io.github.reader.Reader"

[Setup]
AppId={{#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The Reader developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\build
OutputBaseFilename=Reader-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\reader.exe
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\..\build\dist\reader\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
; The Start-menu entry opens the window; the second reads the clipboard, so a shortcut key
; set in its Properties reads from anywhere.
Name: "{group}\{#AppName}"; Filename: "{app}\reader.exe"; Parameters: "gui"
Name: "{group}\{#AppName} - Read clipboard"; Filename: "{app}\reader.exe"; Parameters: "gui --read-clipboard"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\reader.exe"; Parameters: "gui"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent
