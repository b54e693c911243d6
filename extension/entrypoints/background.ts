export default defineBackground(() => {
  // Feature code is registered here as it lands (side panel opening, message validation, downloads).
});
