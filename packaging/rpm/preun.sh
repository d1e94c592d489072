# Last copy going away (not an upgrade): stop and disable the unit.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
  systemctl --no-reload disable --now dynop.service >/dev/null 2>&1 || :
fi
