/* The alerts page's "Turn on alerts on this device": asks the browser for permission, makes a
   push subscription with the server's VAPID public key through the app's service worker, and
   sends it to the server. Its words come from the page (data-*), translated there. Without the Push API (an iPhone's Safari outside the home screen,
   an old browser) the button stays hidden and the page says why. */
"use strict";

(function () {
  const box = document.getElementById("push-device");
  if (!box) return;
  const button = document.getElementById("push-subscribe");
  const status = document.getElementById("push-status");
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) return;
  document.getElementById("push-unsupported").hidden = true;
  button.hidden = false;

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = box.dataset.working;
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        status.textContent = box.dataset.denied;
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.dataset.key),
      });
      const response = await fetch(box.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(subscription.toJSON()),
      });
      if (!response.ok) throw new Error(String(response.status));
      window.location.reload();
    } catch (error) {
      status.textContent = box.dataset.failed + " (" + error.message + ")";
    } finally {
      button.disabled = false;
    }
  });
})();
