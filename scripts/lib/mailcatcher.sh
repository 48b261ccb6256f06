# The local mail catcher (smtp4dev, a dotnet tool from .config/dotnet-tools.json): the notices the API e-mails to
# clinics land here, on a web page. MAIL_SMTP_PORT and MAIL_WEB_PORT override the ports.
MAIL_SMTP_PORT="${MAIL_SMTP_PORT:-2525}"
MAIL_WEB_PORT="${MAIL_WEB_PORT:-5090}"  # not 5081..: ./scripts/run --nodes N puts its nodes there
MAIL_PID_FILE="$DATA_DIR/smtp4dev.pid"
MAIL_WEB_URL="http://127.0.0.1:$MAIL_WEB_PORT"

start_mail_catcher() {
  (cd "$ROOT" && dotnet tool restore >/dev/null) || die "dotnet tool restore failed (smtp4dev)"
  if [ -f "$MAIL_PID_FILE" ] && kill -0 "$(cat "$MAIL_PID_FILE")" 2>/dev/null; then
    ok "mail catcher already running: $MAIL_WEB_URL (SMTP on 127.0.0.1:$MAIL_SMTP_PORT)"
    return
  fi

  (cd "$ROOT" && nohup dotnet smtp4dev --urls="$MAIL_WEB_URL" --smtpport="$MAIL_SMTP_PORT" --bindaddress=127.0.0.1 \
      --imapport="" --pop3port="" --tlsmode=None --db="" --nousersettings >"$DATA_DIR/smtp4dev.log" 2>&1 & echo $! >"$MAIL_PID_FILE")
  for _ in $(seq 1 60); do
    if curl -fsS -o /dev/null "$MAIL_WEB_URL" 2>/dev/null; then
      ok "mail catcher: $MAIL_WEB_URL (SMTP on 127.0.0.1:$MAIL_SMTP_PORT)"
      return
    fi
    kill -0 "$(cat "$MAIL_PID_FILE")" 2>/dev/null || { tail -n 20 "$DATA_DIR/smtp4dev.log" >&2; die "smtp4dev did not start (log: .data/smtp4dev.log)"; }
    sleep 1
  done
  die "smtp4dev did not answer on $MAIL_WEB_URL within 60 s (log: .data/smtp4dev.log)"
}

stop_mail_catcher() {
  if [ -f "$MAIL_PID_FILE" ] && kill -0 "$(cat "$MAIL_PID_FILE")" 2>/dev/null; then
    kill "$(cat "$MAIL_PID_FILE")" && ok "mail catcher stopped"
  fi
  rm -f "$MAIL_PID_FILE"
}
