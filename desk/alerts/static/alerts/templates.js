// Choosing a template fills every language at once; what the publisher typed before is replaced.
document.getElementById("id_template").addEventListener("change", function () {
  const texts = JSON.parse(document.getElementById("desk-alert-templates").textContent)[this.value];
  if (!texts) { return; }
  texts.forEach(function (text, index) {
    const input = document.getElementById("id_text_" + index);
    if (input) { input.value = text; }
  });
});
