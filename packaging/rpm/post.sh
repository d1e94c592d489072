# Installed, not enabled: nothing starts until the admin enables dynop.service.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
fi
