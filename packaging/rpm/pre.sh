# dynop: a system user and group for dynop.service (Fedora's packaging
# guideline for users and groups: created in %pre, never removed).
getent group dynop >/dev/null || groupadd -r dynop
getent passwd dynop >/dev/null || \
  useradd -r -g dynop -d /var/lib/dynop -s /sbin/nologin -c "dynop Kubernetes operator" dynop
exit 0
